"""DeepSets classifier for 2-D point clouds sampled from four shape families (imbalanced)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import balanced_accuracy_score

rng = np.random.default_rng(42)
torch.manual_seed(42)
N_PTS = 24
SHAPES = ["circle", "square", "segment", "blob"]


def sample_cloud(kind):
    if kind == 0:
        a = rng.uniform(0, 2 * np.pi, N_PTS)
        pts = np.stack([np.cos(a), np.sin(a)], 1)
    elif kind == 1:
        s = rng.uniform(-1, 1, N_PTS)
        side = rng.integers(0, 4, N_PTS)
        pts = np.stack([s, np.ones(N_PTS)], 1)
        pts[side == 1] = pts[side == 1][:, ::-1]
        pts[side == 2] *= -1
        pts[side == 3] = -pts[side == 3][:, ::-1]
    elif kind == 2:
        s = rng.uniform(-1, 1, N_PTS)
        pts = np.stack([s, np.zeros(N_PTS)], 1)
    else:
        pts = rng.normal(0, 0.5, size=(N_PTS, 2))
    th = rng.uniform(0, 2 * np.pi)
    R = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    pts = pts @ R.T * rng.uniform(0.5, 2.0) + rng.uniform(-3, 3, size=2)
    return pts + 0.05 * rng.standard_normal(pts.shape)


counts = [700, 350, 200, 100]
labels = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
clouds = np.stack([sample_cloud(k) for k in labels]).astype(np.float32)   # (N, 24, 2)

idx = rng.permutation(len(labels))
n_tr = int(0.75 * len(idx))
tr, va = idx[:n_tr], idx[n_tr:]
c_mean = clouds[tr].reshape(-1, 2).mean(0)
c_std = clouds[tr].reshape(-1, 2).std(0)
Xtr = torch.from_numpy((clouds[tr] - c_mean) / c_std)
Xva = torch.from_numpy((clouds[va] - c_mean) / c_std)
ytr, yva = torch.from_numpy(labels[tr]), torch.from_numpy(labels[va])


class DeepSets(nn.Module):
    def __init__(self, d=2, h=64, n_cls=4):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        self.rho = nn.Sequential(nn.Linear(2 * h, h), nn.ReLU(), nn.Dropout(0.1), nn.Linear(h, n_cls))

    def forward(self, x):                       # x: (B, n_points, 2)
        x = x - x.mean(dim=1, keepdim=True)     # translation invariance
        x = x / x.pow(2).sum(-1).mean(1).sqrt().clamp_min(1e-6)[:, None, None]   # scale invariance
        h = self.phi(x)
        pooled = torch.cat([h.mean(dim=1), h.max(dim=1).values], dim=1)
        return self.rho(pooled)


model = DeepSets()
freq = np.bincount(labels[tr], minlength=4)
class_w = torch.tensor(len(tr) / (4 * freq), dtype=torch.float32)
criterion = nn.CrossEntropyLoss(weight=class_w)

EPOCHS, BS = 25, 64
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr), batch_size=BS, shuffle=True)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, total_steps=EPOCHS * len(loader))

for epoch in range(EPOCHS):
    model.train()
    run = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
        run += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        pred = model(Xva).argmax(1)
    acc = (pred == yva).float().mean().item()
    bacc = balanced_accuracy_score(yva.numpy(), pred.numpy())
    if epoch % 5 == 4 or epoch == 0:
        print(f"epoch {epoch + 1:2d}  loss {run / len(Xtr):.4f}  val acc {acc:.3f}  val balanced acc {bacc:.3f}")

print(f"final: val accuracy {acc:.3f}, balanced accuracy {bacc:.3f}  ({', '.join(SHAPES)})")
