# Small CNN on procedurally generated 16x16 shape images (4 classes), label smoothing,
# cosine schedule, then temperature scaling on the validation split and ECE before/after.
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
torch.set_num_threads(1)
rng = np.random.default_rng(31)
SIZE = 16
CLASSES = ["hbar", "vbar", "square", "diag"]


def draw(label):
    img = np.zeros((SIZE, SIZE), dtype=np.float32)
    r, c = rng.integers(3, SIZE - 3, size=2)
    length = rng.integers(4, 8)
    if label == 0:
        img[r, max(0, c - length // 2): c + length // 2 + 1] = 1.0
    elif label == 1:
        img[max(0, r - length // 2): r + length // 2 + 1, c] = 1.0
    elif label == 2:
        h = length // 2
        img[max(0, r - h): r + h + 1, max(0, c - h)] = 1.0
        img[max(0, r - h): r + h + 1, min(SIZE - 1, c + h)] = 1.0
        img[max(0, r - h), max(0, c - h): c + h + 1] = 1.0
        img[min(SIZE - 1, r + h), max(0, c - h): c + h + 1] = 1.0
    else:
        for k in range(-(length // 2), length // 2 + 1):
            if 0 <= r + k < SIZE and 0 <= c + k < SIZE:
                img[r + k, c + k] = 1.0
    img += rng.normal(0, 0.35, img.shape).astype(np.float32)
    return img


def make_split(n):
    labels = rng.integers(0, len(CLASSES), size=n)
    images = np.stack([draw(l) for l in labels])[:, None]
    return torch.from_numpy(images), torch.from_numpy(labels).long()


train_x, train_y = make_split(2400)
val_x, val_y = make_split(600)
m, s = train_x.mean(), train_x.std()
train_x, val_x = (train_x - m) / s, (val_x - m) / s


class ShapeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 4 * 4, len(CLASSES)))

    def forward(self, x):
        return self.head(self.features(x))


def ece(logits, y, n_bins=10):
    p = logits.softmax(1)
    conf, pred = p.max(1)
    hit = (pred == y).float()
    out = 0.0
    for i in range(n_bins):
        lo, hi = i / n_bins, (i + 1) / n_bins
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            out += sel.float().mean().item() * abs(conf[sel].mean().item() - hit[sel].mean().item())
    return out


net = ShapeNet()
EPOCHS, BS = 12, 64
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
smooth_ce = nn.CrossEntropyLoss(label_smoothing=0.05)

for epoch in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(train_x))
    seen, loss_sum, correct = 0, 0.0, 0
    for i in range(0, len(perm), BS):
        idx = perm[i:i + BS]
        xb, yb = train_x[idx], train_y[idx]
        logits = net(xb)
        loss = smooth_ce(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += len(idx)
        loss_sum += loss.item() * len(idx)
        correct += (logits.argmax(1) == yb).sum().item()
    sched.step()
    net.eval()
    with torch.no_grad():
        vl = net(val_x)
    print(f"epoch {epoch + 1:2d}/{EPOCHS} loss {loss_sum / seen:.4f} train acc {correct / seen:.3f} "
          f"val acc {(vl.argmax(1) == val_y).float().mean().item():.3f} val ce {F.cross_entropy(vl, val_y).item():.4f}")

# temperature scaling: fit a single scalar T on the validation logits (model frozen)
net.eval()
with torch.no_grad():
    val_logits = net(val_x)
temperature = nn.Parameter(torch.ones(1))
t_opt = torch.optim.Adam([temperature], lr=0.01)
for _ in range(300):
    t_opt.zero_grad()
    F.cross_entropy(val_logits / temperature, val_y).backward()
    t_opt.step()
T = temperature.item()
print(f"val accuracy {(val_logits.argmax(1) == val_y).float().mean().item():.4f}")
print(f"ECE before {ece(val_logits, val_y):.4f} | after T={T:.3f}: {ece(val_logits / T, val_y):.4f}")
print(f"NLL before {F.cross_entropy(val_logits, val_y).item():.4f} | after {F.cross_entropy(val_logits / T, val_y).item():.4f}")
