# Texture classifier on generated 16x16 images (horizontal / vertical / checker /
# noise-only). CutMix during training, gradient accumulation over 2 micro-batches,
# AdamW, and test-time augmentation (identity + horizontal flip + vertical flip).
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_num_threads(1)
gen = np.random.default_rng(3)


def texture_batch(n):
    ys = gen.integers(0, 4, n)
    ii, jj = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
    out = np.empty((n, 1, 16, 16), np.float32)
    for k, c in enumerate(ys):
        f = gen.uniform(0.6, 1.4)
        ph = gen.uniform(0, 2 * math.pi)
        if c == 0:
            img = np.sin(f * ii + ph)
        elif c == 1:
            img = np.sin(f * jj + ph)
        elif c == 2:
            img = np.sin(f * ii + ph) * np.sin(f * jj + ph)
        else:
            img = np.zeros((16, 16))
        out[k, 0] = img + gen.normal(0, 0.6, (16, 16))
    return torch.from_numpy(out), torch.from_numpy(ys).long()


x_train, y_train = texture_batch(900)
x_val, y_val = texture_batch(300)
m, s = x_train.mean(), x_train.std()
x_train, x_val = (x_train - m) / s, (x_val - m) / s

net = nn.Sequential(
    nn.Conv2d(1, 12, 3, padding=1), nn.BatchNorm2d(12), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(12, 24, 3, padding=1), nn.BatchNorm2d(24), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
    nn.Flatten(), nn.Linear(96, 4),
)
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-3)
ACCUM, MICRO, EPOCHS = 2, 32, 12


def cutmix(x, y, alpha=1.0):
    lam = gen.beta(alpha, alpha)
    idx = torch.randperm(x.size(0))
    cut = int(16 * math.sqrt(1 - lam))
    cy, cx = gen.integers(0, 16), gen.integers(0, 16)
    y0, y1 = max(cy - cut // 2, 0), min(cy + cut // 2, 16)
    x0, x1 = max(cx - cut // 2, 0), min(cx + cut // 2, 16)
    x = x.clone()
    x[:, :, y0:y1, x0:x1] = x[idx, :, y0:y1, x0:x1]
    lam = 1 - (y1 - y0) * (x1 - x0) / 256.0
    return x, y, y[idx], lam


def predict_tta(x):
    views = [x, torch.flip(x, dims=[3]), torch.flip(x, dims=[2])]
    return torch.stack([F.softmax(net(v), 1) for v in views]).mean(0)


for ep in range(EPOCHS):
    net.train()
    order = torch.randperm(len(x_train))
    opt.zero_grad()
    running, steps = 0.0, 0
    for b, start in enumerate(range(0, len(order), MICRO)):
        idx = order[start:start + MICRO]
        xb, ya, yb, lam = cutmix(x_train[idx], y_train[idx])
        logits = net(xb)
        loss = lam * F.cross_entropy(logits, ya) + (1 - lam) * F.cross_entropy(logits, yb)
        (loss / ACCUM).backward()
        running += loss.item()
        steps += 1
        if (b + 1) % ACCUM == 0 or start + MICRO >= len(order):
            opt.step()
            opt.zero_grad()
    net.eval()
    with torch.no_grad():
        plain = (net(x_val).argmax(1) == y_val).float().mean().item()
        tta = (predict_tta(x_val).argmax(1) == y_val).float().mean().item()
    print(f"ep {ep:2d}  loss {running / steps:.3f}  val acc {plain:.3f}  val acc (tta) {tta:.3f}")

print(f"done. val accuracy {plain:.3f}, with TTA {tta:.3f}")
