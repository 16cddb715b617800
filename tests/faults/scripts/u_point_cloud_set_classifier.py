"""Classify small 2-D point clouds (ring / line / blob / grid-ish cross) with
a permutation-invariant set encoder built on nn.MultiheadAttention."""
import numpy as np
import torch
import torch.nn as nn

SEED = 5
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

N_POINTS = 24
SHAPES = ["ring", "line", "blob", "cross"]


def sample_cloud(kind):
    t = rng.uniform(0, 2 * np.pi, N_POINTS)
    if kind == "ring":
        r = rng.normal(1.0, 0.08, N_POINTS)
        pts = np.stack([r * np.cos(t), r * np.sin(t)], 1)
    elif kind == "line":
        a = rng.uniform(0, np.pi)
        s = rng.uniform(-1.2, 1.2, N_POINTS)
        pts = np.stack([s * np.cos(a), s * np.sin(a)], 1) + rng.normal(0, 0.08, (N_POINTS, 2))
    elif kind == "blob":
        pts = rng.normal(0, 0.45, (N_POINTS, 2))
    else:
        s = rng.uniform(-1.1, 1.1, N_POINTS)
        horiz = rng.random(N_POINTS) < 0.5
        pts = np.where(horiz[:, None], np.stack([s, np.zeros_like(s)], 1), np.stack([np.zeros_like(s), s], 1))
        pts = pts + rng.normal(0, 0.08, (N_POINTS, 2))
    theta = rng.uniform(0, 2 * np.pi)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return pts @ rot.T * rng.uniform(0.7, 1.3) + rng.normal(0, 0.3, 2)


def make_dataset(n):
    labels = rng.integers(0, len(SHAPES), n)
    clouds = np.stack([sample_cloud(SHAPES[c]) for c in labels])
    return torch.tensor(clouds, dtype=torch.float32), torch.tensor(labels, dtype=torch.long)


X_tr, y_tr = make_dataset(1000)
X_va, y_va = make_dataset(300)
# centre every cloud on its own mean; scale with the training spread
X_tr = X_tr - X_tr.mean(1, keepdim=True)
X_va = X_va - X_va.mean(1, keepdim=True)
scale = X_tr.std()
X_tr, X_va = X_tr / scale, X_va / scale


class SetEncoder(nn.Module):
    def __init__(self, d=48, heads=4, n_classes=4):
        super().__init__()
        self.point_mlp = nn.Sequential(nn.Linear(2, d), nn.ReLU(), nn.Linear(d, d))
        self.mha = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.ReLU(), nn.Linear(2 * d, d))
        self.norm2 = nn.LayerNorm(d)
        self.head = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, n_classes))

    def forward(self, pts):
        h = self.point_mlp(pts)
        a, _ = self.mha(h, h, h)
        h = self.norm1(h + a)
        h = self.norm2(h + self.ff(h))
        pooled = h.max(dim=1).values
        return torch.softmax(self.head(pooled), dim=-1)


model = SetEncoder()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=6, gamma=0.5)

for epoch in range(1, 16):
    model.train()
    perm = torch.randperm(len(X_tr))
    losses = []
    for i in range(0, len(perm), 50):
        b = perm[i:i + 50]
        out = model(X_tr[b])
        loss = criterion(out, y_tr[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    sched.step()
    model.eval()
    with torch.no_grad():
        out = model(X_va)
        val_loss = criterion(out, y_va).item()
        acc = (out.argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch:2d}: train loss {np.mean(losses):.4f}  val loss {val_loss:.4f}  val acc {acc:.3f}")

print(f"val accuracy = {acc:.3f}")
