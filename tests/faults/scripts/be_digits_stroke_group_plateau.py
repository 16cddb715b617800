# Two-level classifier on digits: coarse group (round / straight strokes) and fine digit,
# shared trunk, ReduceLROnPlateau on validation loss, class-weighted fine loss.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

GROUP = np.array([0, 1, 0, 0, 1, 1, 0, 1, 0, 0])  # 0: round strokes, 1: straight strokes
X, yf = load_digits(return_X_y=True)
# drop some rows of a few digits so the fine classes are unequal
keep = np.ones(len(yf), bool)
for d in (3, 8):
    idx = np.where(yf == d)[0]
    keep[idx[: len(idx) // 2]] = False
X, yf = X[keep], yf[keep]
yc = GROUP[yf]

Xtr, Xva, ftr, fva, ctr, cva = train_test_split(X, yf, yc, test_size=0.2, random_state=8, stratify=yf)
m, s = Xtr.mean(0), Xtr.std(0) + 1e-3
T = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Xva = T((Xtr - m) / s), T((Xva - m) / s)
ftr, fva, ctr, cva = map(torch.tensor, (ftr, fva, ctr, cva))

counts = torch.bincount(ftr, minlength=10).float()
fine_w = counts.sum() / (10 * counts)


class Hier(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(64, 96), nn.ReLU(), nn.Dropout(0.25), nn.Linear(96, 64), nn.ReLU())
        self.coarse = nn.Linear(64, 2)
        self.fine = nn.Linear(64, 10)

    def forward(self, x):
        h = self.trunk(x)
        return self.coarse(h), self.fine(h)


model = Hier()
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=5e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)


def joint_loss(lc, lf, c, f):
    return 0.5 * F.cross_entropy(lc, c) + F.cross_entropy(lf, f, weight=fine_w)


for epoch in range(25):
    model.train()
    order = torch.randperm(len(Xtr))
    tl = 0.0
    for i in range(0, len(order), 48):
        b = order[i:i + 48]
        opt.zero_grad()
        lc, lf = model(Xtr[b])
        loss = joint_loss(lc, lf, ctr[b], ftr[b])
        loss.backward()
        opt.step()
        tl += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        lc, lf = model(Xva)
        vl = joint_loss(lc, lf, cva, fva).item()
    plateau.step(vl)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} train {tl / len(Xtr):.4f} val {vl:.4f} lr {opt.param_groups[0]['lr']:.1e}")

pc, pf = lc.argmax(1), lf.argmax(1)
print(f"val coarse acc {(pc == cva).float().mean():.3f}  fine acc {(pf == fva).float().mean():.3f}  "
      f"fine macro-F1 {f1_score(fva.numpy(), pf.numpy(), average='macro'):.3f}")
