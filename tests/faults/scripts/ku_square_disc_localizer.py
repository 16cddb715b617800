import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

S = 20


def make_scene(rng, n):
    imgs = rng.normal(0, 0.3, size=(n, 1, S, S)).astype(np.float32)
    cls = rng.integers(0, 2, size=n)
    boxes = np.zeros((n, 4), dtype=np.float32)
    yy, xx = np.mgrid[0:S, 0:S]
    for i in range(n):
        r = rng.integers(3, 7)
        cx, cy = rng.integers(r, S - r, size=2)
        if cls[i] == 0:
            mask = (np.abs(xx - cx) <= r) & (np.abs(yy - cy) <= r)
        else:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        imgs[i, 0][mask] += 1.5
        boxes[i] = [(cx - r) / S, (cy - r) / S, (cx + r + 1) / S, (cy + r + 1) / S]
    return imgs, cls, boxes


def box_iou(a, b):
    x1 = torch.max(a[:, 0], b[:, 0]); y1 = torch.max(a[:, 1], b[:, 1])
    x2 = torch.min(a[:, 2], b[:, 2]); y2 = torch.min(a[:, 3], b[:, 3])
    inter = (x2 - x1).clamp(min=0) * (y2 - y1).clamp(min=0)
    area = lambda t: (t[:, 2] - t[:, 0]).clamp(min=0) * (t[:, 3] - t[:, 1]).clamp(min=0)
    return inter / (area(a) + area(b) - inter + 1e-6)


class Localizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        )
        self.flat = nn.Flatten()
        self.fc = nn.Linear(16 * 5 * 5, 64)
        self.cls_head = nn.Linear(64, 2)
        self.box_head = nn.Linear(64, 4)

    def forward(self, x):
        h = F.relu(self.fc(self.flat(self.body(x))))
        return self.cls_head(h), torch.sigmoid(self.box_head(h))


rng = np.random.default_rng(0)
Xtr, ctr, btr = make_scene(rng, 800)
Xva, cva, bva = make_scene(rng, 250)
mu, sd = Xtr.mean(), Xtr.std()
Xtr = torch.tensor((Xtr - mu) / sd); Xva = torch.tensor((Xva - mu) / sd)
ctr, cva = torch.tensor(ctr), torch.tensor(cva)
btr, bva = torch.tensor(btr), torch.tensor(bva)

model = Localizer()
epochs, bs = 12, 64
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)

for ep in range(epochs):
    model.train()
    perm = torch.randperm(len(Xtr))
    tot = 0.0
    for i in range(0, len(Xtr), bs):
        idx = perm[i:i + bs]
        logits, pbox = model(Xtr[idx])
        loss = F.cross_entropy(logits, ctr[idx]) + 5.0 * F.smooth_l1_loss(pbox, btr[idx], beta=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)
    sched.step()
    model.eval()
    with torch.no_grad():
        logits, pbox = model(Xva)
        acc = (logits.argmax(1) == cva).float().mean().item()
        iou = box_iou(pbox, bva).mean().item()
    print(f"epoch {ep+1:2d} loss {tot/len(Xtr):.4f} val_acc {acc:.3f} val_iou {iou:.3f} lr {sched.get_last_lr()[0]:.2e}")

print(f"final val accuracy {acc:.3f}, mean IoU {iou:.3f}")
