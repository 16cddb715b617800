import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score, balanced_accuracy_score

# Click-through-rate model: categorical ids (embeddings) + dense numeric features.
torch.manual_seed(42)
rng = np.random.default_rng(42)

N = 12000
CARD = {"ad": 120, "site": 60, "device": 5, "hour": 24}
cats = {k: rng.integers(0, c, N) for k, c in CARD.items()}
dense = np.column_stack([
    rng.lognormal(3.0, 0.6, N),        # user session length (seconds)
    rng.normal(1200, 300, N),          # page height (px)
    rng.poisson(4, N).astype(float),   # previous clicks
])
ad_effect = rng.normal(0, 1.0, CARD["ad"])
site_effect = rng.normal(0, 0.7, CARD["site"])
hour_effect = np.sin(np.arange(24) / 24 * 2 * np.pi) * 0.6
logit = (-2.6 + ad_effect[cats["ad"]] + site_effect[cats["site"]] + hour_effect[cats["hour"]]
         + 0.35 * (dense[:, 2] - 4) + 0.8 * (np.log(dense[:, 0]) - 3.0))
clicked = (rng.random(N) < 1 / (1 + np.exp(-logit))).astype(np.float32)
print(f"click rate: {clicked.mean():.3f}")

idx = rng.permutation(N)
tr, va = idx[:9600], idx[9600:]
mu, sd = dense[tr].mean(0), dense[tr].std(0)
dense_std = ((dense - mu) / sd).astype(np.float32)


def tensors(rows):
    c = torch.tensor(np.column_stack([cats[k][rows] for k in CARD]), dtype=torch.long)
    return c, torch.tensor(dense_std[rows]), torch.tensor(clicked[rows])


Xc_tr, Xd_tr, y_tr = tensors(tr)
Xc_va, Xd_va, y_va = tensors(va)


class WideDeep(nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(c, dim) for c in CARD.values()])
        self.wide = nn.ModuleList([nn.Embedding(c, 1) for c in CARD.values()])
        d_in = dim * len(CARD) + Xd_tr.shape[1]
        self.deep = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
        self.dense_lin = nn.Linear(Xd_tr.shape[1], 1)

    def forward(self, xc, xd):
        e = torch.cat([emb(xc[:, j]) for j, emb in enumerate(self.embs)] + [xd], dim=1)
        w = sum(wd(xc[:, j]) for j, wd in enumerate(self.wide))
        return (self.deep(e) + w + self.dense_lin(xd)).squeeze(1)


model = WideDeep()
pos_weight = torch.tensor((1 - y_tr.mean()) / y_tr.mean())
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)

micro_bs, accum = 64, 4
for epoch in range(15):
    model.train()
    perm = torch.randperm(len(y_tr))
    optimizer.zero_grad()
    ep_loss, n_micro = 0.0, 0
    for k, s in enumerate(range(0, len(perm), micro_bs)):
        b = perm[s:s + micro_bs]
        loss = criterion(model(Xc_tr[b], Xd_tr[b]), y_tr[b])
        (loss / accum).backward()
        if (k + 1) % accum == 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
        ep_loss += loss.item()
        n_micro += 1
    if n_micro % accum:
        optimizer.step()
        optimizer.zero_grad()

    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(Xc_va, Xd_va)).numpy()
    auc = roc_auc_score(y_va.numpy(), p)
    bacc = balanced_accuracy_score(y_va.numpy(), p > 0.5)
    print(f"epoch {epoch + 1:2d}  train loss {ep_loss / n_micro:.4f}  val AUC {auc:.4f}  val bal-acc {bacc:.4f}")

print(f"final: AUC={auc:.4f} balanced_acc={bacc:.4f}")
