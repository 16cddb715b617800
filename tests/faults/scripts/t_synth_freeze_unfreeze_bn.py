"""Pretrain a BN-MLP backbone as a denoising autoencoder on unlabelled rows, then
  phase 1: backbone frozen (BN statistics kept fixed), train the linear head only
  phase 2: unfreeze the backbone and fine-tune everything with SGD + step decay
Data: synthetic 4-class table (make_classification)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)
np.random.seed(5)

X, y = make_classification(n_samples=3000, n_features=24, n_informative=12, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, class_sep=1.0, random_state=5)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=5, stratify=y)
# all training rows serve as the unlabelled pool for pretraining; the first 600 keep their labels
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
X_lab, y_lab = X_tr[:600], y_tr[:600]

t = lambda a, dt=torch.float32: torch.as_tensor(a, dtype=dt)
unl_loader = DataLoader(TensorDataset(t(X_tr)), batch_size=64, shuffle=True)
lab_loader = DataLoader(TensorDataset(t(X_lab), t(y_lab, torch.long)), batch_size=32, shuffle=True)
Xv, yv = t(X_va), t(y_va, torch.long)


def block(i, o, p):
    return nn.Sequential(nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(), nn.Dropout(p))


backbone = nn.Sequential(block(24, 128, 0.3), block(128, 128, 0.3), block(128, 64, 0.3))
decoder = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 24))
head = nn.Linear(64, 4)

print("-- pretraining (denoising AE) --")
opt_ae = torch.optim.Adam(list(backbone.parameters()) + list(decoder.parameters()), lr=1e-3)
for ep in range(10):
    backbone.train(); decoder.train()
    s = 0.0
    for (xb,) in unl_loader:
        corrupted = xb * (torch.rand_like(xb) > 0.2).float() + 0.1 * torch.randn_like(xb)
        loss = F.mse_loss(decoder(backbone(corrupted)), xb)
        opt_ae.zero_grad(); loss.backward(); opt_ae.step()
        s += loss.item() * len(xb)
    print(f"ae epoch {ep + 1:2d} recon {s / len(X_tr):.4f}")


def validate():
    backbone.eval(); head.eval()
    with torch.no_grad():
        out = head(backbone(Xv))
    return F.cross_entropy(out, yv).item(), (out.argmax(1) == yv).float().mean().item()


def train_epoch(opt):
    tot, cor, n = 0.0, 0, 0
    for xb, yb in lab_loader:
        out = head(backbone(xb))
        loss = F.cross_entropy(out, yb)
        opt.zero_grad(); loss.backward(); opt.step()
        tot += loss.item() * len(xb); cor += (out.argmax(1) == yb).sum().item(); n += len(xb)
    return tot / n, cor / n


print("-- phase 1: frozen backbone --")
for p in backbone.parameters():
    p.requires_grad_(False)
opt_head = torch.optim.Adam(head.parameters(), lr=5e-3)
for ep in range(8):
    backbone.eval()
    head.train()
    tl, ta = train_epoch(opt_head)
    vl, va = validate()
    print(f"p1 epoch {ep + 1:2d} loss {tl:.4f} acc {ta:.3f} | val loss {vl:.4f} acc {va:.3f}")

print("-- phase 2: full fine-tune --")
for p in backbone.parameters():
    p.requires_grad_(True)
opt_all = torch.optim.SGD(list(backbone.parameters()) + list(head.parameters()), lr=0.05,
                          momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.StepLR(opt_all, step_size=10, gamma=0.3)
for ep in range(30):
    head.train()
    tl, ta = train_epoch(opt_all)
    sched.step()
    vl, va = validate()
    print(f"p2 epoch {ep + 1:2d} loss {tl:.4f} acc {ta:.3f} | val loss {vl:.4f} acc {va:.3f}")

print(f"final val acc {validate()[1]:.4f}")
