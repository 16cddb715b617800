import numpy as np
import torch
import torch.nn as nn

# Rating regression for a game store: player x game latent factors with biases.
torch.manual_seed(21)
g = np.random.default_rng(21)

PLAYERS, GAMES, RANK = 300, 200, 6
N_OBS = 16000
P_true = g.normal(0, 0.75, (PLAYERS, RANK))
G_true = g.normal(0, 0.75, (GAMES, RANK))
pb, gb = g.normal(0, 0.3, PLAYERS), g.normal(0, 0.3, GAMES)
pl = g.integers(0, PLAYERS, N_OBS)
gm = g.integers(0, GAMES, N_OBS)
score = 3.0 + pb[pl] + gb[gm] + np.einsum("nk,nk->n", P_true[pl], G_true[gm]) + g.normal(0, 0.3, N_OBS)

perm = g.permutation(N_OBS)
train_rows, val_rows = perm[:12800], perm[12800:]
data = {name: (torch.from_numpy(pl[r]), torch.from_numpy(gm[r]), torch.from_numpy(score[r]).float())
        for name, r in (("train", train_rows), ("val", val_rows))}


class Factorizer(nn.Module):
    def __init__(self, n_p, n_g, rank=16, mean=0.0):
        super().__init__()
        self.p = nn.Embedding(n_p, rank)
        self.g = nn.Embedding(n_g, rank)
        self.p_bias = nn.Embedding(n_p, 1)
        self.g_bias = nn.Embedding(n_g, 1)
        self.mean = nn.Parameter(torch.tensor(mean))
        nn.init.normal_(self.p.weight, std=1e-5)
        nn.init.normal_(self.g.weight, std=1e-5)
        nn.init.zeros_(self.p_bias.weight)
        nn.init.zeros_(self.g_bias.weight)

    def forward(self, p, g):
        return (self.mean + self.p_bias(p).view(-1) + self.g_bias(g).view(-1)
                + (self.p(p) * self.g(g)).sum(-1))


model = Factorizer(PLAYERS, GAMES, mean=float(score[train_rows].mean()))
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
loss_fn = nn.MSELoss()
u_tr, g_tr, y_tr = data["train"]
u_va, g_va, y_va = data["val"]

for epoch in range(1, 11):
    model.train()
    order = torch.randperm(len(y_tr))
    losses = []
    for s in range(0, len(order), 256):
        b = order[s:s + 256]
        opt.zero_grad()
        loss = loss_fn(model(u_tr[b], g_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_rmse = loss_fn(model(u_va, g_va), y_va).sqrt().item()
    print(f"epoch {epoch:2d} | train mse {np.mean(losses):.4f} | val rmse {val_rmse:.4f}")

print(f"done. val RMSE {val_rmse:.4f} (predict-the-mean RMSE {y_va.std().item():.4f})")
