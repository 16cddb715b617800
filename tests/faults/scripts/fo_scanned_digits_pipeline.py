import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(3)
rng = np.random.default_rng(3)

digits = load_digits()
pix = digits.data.astype(np.float64)
target = digits.target.astype(np.int64)
n = len(target)

# pixels come from 30 scanners; some scanners have dead cells
scanner = rng.integers(0, 30, n)
writer_id = rng.integers(0, 300, n)
dead = rng.random(pix.shape) < 0.05
pix[dead] = np.nan
pix += rng.normal(0, 0.8, pix.shape)

# split by writer
writers = rng.permutation(np.unique(writer_id))
hold = np.isin(writer_id, writers[:60])
tr, va = np.where(~hold)[0], np.where(hold)[0]

print(f"[audit] pixels {pix.shape}  train {len(tr)}  val {len(va)}")
print(f"[audit] overall missing {np.isnan(pix).mean():.3%}, worst column {np.isnan(pix).mean(0).max():.3%}")
print("[audit] train class counts", np.bincount(target[tr]).tolist())

nan_mask = np.isnan(pix)
col_mean = np.nanmean(pix[tr], axis=0)
col_mean = np.nan_to_num(col_mean)
pix = np.where(nan_mask, col_mean, pix)
m, s = pix[tr].mean(0), pix[tr].std(0) + 1e-6
pix = (pix - m) / s
feats = np.concatenate([pix, nan_mask.astype(np.float64)], axis=1).astype(np.float32)

sc_counts = np.bincount(scanner[tr], minlength=30)
sc_map = np.full(30, -1)
keep = np.where(sc_counts >= 40)[0]
sc_map[keep] = np.arange(len(keep))
sc_map[sc_map < 0] = len(keep)
sc_idx = sc_map[scanner]


class DigitModel(nn.Module):
    def __init__(self, d_in, n_scanners):
        super().__init__()
        self.scanner_emb = nn.Embedding(n_scanners, 4)
        self.backbone = nn.Sequential(nn.Linear(d_in + 4, 24), nn.ReLU(), nn.Linear(24, 24), nn.ReLU())
        self.classifier = nn.Linear(24, 10)

    def forward(self, x, sc):
        h = self.backbone(torch.cat([x, self.scanner_emb(sc)], dim=1))
        return self.classifier(h)


def set_trainable(model, backbone):
    for p in model.backbone.parameters():
        p.requires_grad = backbone
    for p in model.classifier.parameters():
        p.requires_grad = True


model = DigitModel(feats.shape[1], len(keep) + 1)
set_trainable(model, backbone=False)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)

Xt, St, Yt = torch.tensor(feats[tr]), torch.tensor(sc_idx[tr]), torch.tensor(target[tr])
Xv, Sv, Yv = torch.tensor(feats[va]), torch.tensor(sc_idx[va]), torch.tensor(target[va])

batch = 64
for epoch in range(1, 31):
    model.train()
    perm = torch.randperm(len(Yt))
    losses = []
    for k in range(0, len(perm), batch):
        b = perm[k:k + batch]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(Xt[b], St[b]), Yt[b])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(Xv, Sv)
        acc = (logits.argmax(1) == Yv).float().mean().item()
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}: train loss {np.mean(losses):.4f}  val acc {acc:.4f}")

print(f"final val accuracy {acc:.4f}")
