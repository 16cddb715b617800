import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)

N_USERS, N_ITEMS, K = 300, 200, 8
U = np.random.randn(N_USERS, 4)
V = np.random.randn(N_ITEMS, 4)
n_obs = 12000
u = np.random.randint(0, N_USERS, n_obs)
i = np.random.randint(0, N_ITEMS, n_obs)
r = 3.0 + (U[u] * V[i]).sum(1) * 0.5 + 0.3 * np.random.randn(n_obs)
r = np.clip(r, 1, 5).astype(np.float32)

perm = np.random.permutation(n_obs)
tr, va = perm[:10000], perm[10000:]
u_t, i_t, r_t = map(torch.tensor, (u, i, r))


class MF(nn.Module):
    def __init__(self, nu, ni, k, mu):
        super().__init__()
        self.P = nn.Embedding(nu, k)
        self.Q = nn.Embedding(ni, k)
        self.bu = nn.Embedding(nu, 1)
        self.bi = nn.Embedding(ni, 1)
        nn.init.normal_(self.P.weight, std=0.1)
        nn.init.normal_(self.Q.weight, std=0.1)
        nn.init.zeros_(self.bu.weight)
        nn.init.zeros_(self.bi.weight)
        self.mu = mu

    def forward(self, u, i):
        dot = (self.P(u) * self.Q(i)).sum(-1)
        return self.mu + dot + self.bu(u).squeeze(-1) + self.bi(i).squeeze(-1)


model = MF(N_USERS, N_ITEMS, K, float(r[tr].mean()))
opt = torch.optim.SGD(model.parameters(), lr=8.0, momentum=0.9)
loss_fn = nn.MSELoss()
bs = 256

for epoch in range(15):
    model.train()
    idx = torch.tensor(np.random.permutation(tr))
    tot = 0.0
    for s in range(0, len(idx), bs):
        b = idx[s:s + bs]
        opt.zero_grad()
        loss = loss_fn(model(u_t[b], i_t[b]), r_t[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        vb = torch.tensor(va)
        rmse = torch.sqrt(loss_fn(model(u_t[vb], i_t[vb]), r_t[vb])).item()
    print(f"epoch {epoch:2d}  train mse {tot / len(tr):.4f}  val rmse {rmse:.4f}")

print(f"final val RMSE: {rmse:.4f}")
