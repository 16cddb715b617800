# Small CNN on 8x8 digits.
#   stage A: self-supervised inpainting (predict a hidden 3x3 patch) on all training images
#   stage B: freeze conv trunk, train classifier head on a labelled subset
#   stage C: unfreeze everything, fine-tune with a lower lr
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(11); np.random.seed(11)
rng = np.random.default_rng(11)

imgs, labels = load_digits(return_X_y=True)
imgs = imgs.reshape(-1, 1, 8, 8) / 16.0
X_pool, X_val, y_pool, y_val = train_test_split(imgs, labels, test_size=0.2, random_state=11)
pix_mean, pix_std = X_pool.mean(), X_pool.std()
X_pool = (X_pool - pix_mean) / pix_std
X_val = (X_val - pix_mean) / pix_std

rng.shuffle(X_pool)
n_labelled = 600
X_lab, y_lab = X_pool[:n_labelled], y_pool[:n_labelled]

X_pool_t = torch.tensor(X_pool, dtype=torch.float32)
X_lab_t = torch.tensor(X_lab, dtype=torch.float32)
y_lab_t = torch.tensor(y_lab, dtype=torch.long)
X_val_t = torch.tensor(X_val, dtype=torch.float32)
y_val_t = torch.tensor(y_val, dtype=torch.long)


class Trunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        return x  # (N, 32, 8, 8)


trunk = Trunk()
inpaint_head = nn.Conv2d(32, 1, 1)
cls_head = nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def minibatches(n, bs):
    order = torch.randperm(n)
    return [order[i:i + bs] for i in range(0, n, bs)]


# ---- stage A ----
optA = torch.optim.Adam(list(trunk.parameters()) + list(inpaint_head.parameters()), lr=2e-3)
for ep in range(6):
    trunk.train()
    acc_loss = 0.0
    for b in minibatches(len(X_pool_t), 64):
        x = X_pool_t[b]
        r, c = np.random.randint(0, 6, size=2)
        m = torch.zeros_like(x)
        m[:, :, r:r + 3, c:c + 3] = 1.0
        pred = inpaint_head(trunk(x * (1 - m)))
        loss = ((pred - x) ** 2 * m).sum() / m.sum()
        optA.zero_grad(); loss.backward(); optA.step()
        acc_loss += loss.item() * len(b)
    print(f"A ep{ep} inpaint mse={acc_loss / len(X_pool_t):.4f}")


def run_epoch(opt, tag, ep):
    trunk.train(); cls_head.train()
    tl, tc = 0.0, 0
    for b in minibatches(len(X_lab_t), 32):
        out = cls_head(trunk(X_lab_t[b]))
        loss = F.cross_entropy(out, y_lab_t[b])
        opt.zero_grad(); loss.backward(); opt.step()
        tl += loss.item() * len(b)
        tc += (out.argmax(1) == y_lab_t[b]).sum().item()
    trunk.eval(); cls_head.eval()
    with torch.no_grad():
        vo = cls_head(trunk(X_val_t))
        vl = F.cross_entropy(vo, y_val_t).item()
        va = (vo.argmax(1) == y_val_t).float().mean().item()
    print(f"{tag} ep{ep} loss={tl / len(X_lab_t):.4f} acc={tc / len(X_lab_t):.3f} val_loss={vl:.4f} val_acc={va:.3f}")
    return va


# ---- stage B: frozen trunk ----
for p in trunk.parameters():
    p.requires_grad = False
optB = torch.optim.Adam(cls_head.parameters(), lr=3e-3)
for ep in range(10):
    run_epoch(optB, "B", ep)

# ---- stage C: unfreeze ----
for p in trunk.parameters():
    p.requires_grad = True
optC = torch.optim.Adam([{"params": trunk.parameters(), "lr": 1e-3},
                         {"params": cls_head.parameters(), "lr": 3e-3}])
schedC = torch.optim.lr_scheduler.CosineAnnealingLR(optC, T_max=20)
for ep in range(20):
    va = run_epoch(optC, "C", ep)
    schedC.step()
print(f"validation accuracy after fine-tuning: {va:.4f}")
