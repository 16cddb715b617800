import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(2)
rng = np.random.default_rng(2)
NU, NI = 300, 150
aff = rng.normal(size=(NU, 5)) @ rng.normal(size=(NI, 5)).T
pos_u, pos_i = np.nonzero(aff > 2.5)
users = np.concatenate([pos_u, rng.integers(0, NU, len(pos_u))])
items = np.concatenate([pos_i, rng.integers(0, NI, len(pos_u))])
labels = (aff[users, items] > 2.5).astype(np.float32)
perm = rng.permutation(len(users))
cut = int(0.85 * len(perm))
tr, va = perm[:cut], perm[cut:]
U, I, Y = torch.tensor(users), torch.tensor(items), torch.tensor(labels)


class NCF(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.ue, self.ie = nn.Embedding(NU, d), nn.Embedding(NI, d)
        self.mlp = nn.Sequential(nn.Linear(2 * d, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, u, i):
        return self.mlp(torch.cat([self.ue(u), self.ie(i)], -1)).squeeze(-1)


model = NCF()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
crit = nn.BCEWithLogitsLoss()
print(f"{len(tr)} train rows, {len(va)} val rows, positive rate {labels.mean():.2f}")
for epoch in range(12):
    model.train()
    idx = torch.tensor(rng.permutation(tr))
    total = 0.0
    for s in range(0, len(idx), 256):
        b = idx[s:s + 256]
        opt.zero_grad()
        loss = crit(model(U[b], I[b]), Y[b])
        loss.backward()
        total += loss.item() * len(b)
    opt.step()
    model.eval()
    with torch.no_grad():
        vb = torch.tensor(va)
        acc = ((model(U[vb], I[vb]) > 0).float() == Y[vb]).float().mean().item()
    print(f"epoch {epoch + 1:2d} train bce {total / len(tr):.4f} val acc {acc:.3f}")
