import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

CLASSES = ["hstripes", "vstripes", "diagonal", "square"]


def make_images(n, rng):
    xs = np.zeros((n, 3, 16, 16), dtype=np.float32)
    ys = rng.integers(0, len(CLASSES), size=n)
    yy, xx = np.mgrid[0:16, 0:16]
    for i, c in enumerate(ys):
        col = rng.uniform(0.3, 1.0, size=3)
        bg = rng.uniform(0.0, 0.3, size=3)
        img = np.ones((3, 16, 16)) * bg[:, None, None]
        if c == 0:
            period = rng.integers(3, 6)
            mask = ((yy + rng.integers(0, period)) % period) < period // 2 + 1
        elif c == 1:
            period = rng.integers(3, 6)
            mask = ((xx + rng.integers(0, period)) % period) < period // 2 + 1
        elif c == 2:
            period = rng.integers(3, 6)
            mask = ((xx + yy + rng.integers(0, period)) % period) < period // 2 + 1
        else:
            s = rng.integers(5, 10)
            r0, c0 = rng.integers(1, 16 - s, size=2)
            mask = (yy >= r0) & (yy < r0 + s) & (xx >= c0) & (xx < c0 + s)
        img = np.where(mask[None], col[:, None, None], img)
        img = img + rng.normal(0, 0.15, size=img.shape)
        xs[i] = img
    return xs, ys.astype(np.int64)


class ImageSet(Dataset):
    def __init__(self, x, y, augment=False):
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)
        self.augment = augment

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        img = self.x[i]
        if self.augment:
            if torch.rand(1).item() < 0.5:
                img = img.flip(2)
            pad = F.pad(img, (2, 2, 2, 2))
            dy, dx = torch.randint(0, 5, (2,)).tolist()
            img = pad[:, dy:dy + 16, dx:dx + 16]
        return img, self.y[i]


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(ch)

    def forward(self, x):
        h = F.relu(self.b1(self.c1(x)))
        h = self.b2(self.c2(h))
        return F.relu(x + h)


class SmallResNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.expand = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.block = ResBlock(16)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(16, n_classes)

    def forward(self, x):
        x = self.expand(self.stem(x))
        x = self.pool(self.block(x))
        x = x.mean(dim=(2, 3))
        return self.head(x)


rng = np.random.default_rng(0)
x_all, y_all = make_images(1000, rng)
perm = rng.permutation(len(y_all))
tr_idx, va_idx = perm[:750], perm[750:]
mean = x_all[tr_idx].mean(axis=(0, 2, 3), keepdims=True)
std = x_all[tr_idx].std(axis=(0, 2, 3), keepdims=True)
x_all = (x_all - mean) / std

train_dl = DataLoader(ImageSet(x_all[tr_idx], y_all[tr_idx], augment=True), batch_size=64, shuffle=True)
val_dl = DataLoader(ImageSet(x_all[va_idx], y_all[va_idx]), batch_size=200)

model = SmallResNet(len(CLASSES))
epochs = 8
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
total = epochs
warmup = 1


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1 + math.cos(math.pi * t))


sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)

for epoch in range(epochs):
    model.train()
    run_loss, seen = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        run_loss += loss.item() * len(yb)
        seen += len(yb)
    opt.step()
    sched.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_dl:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train loss {run_loss / seen:.4f}  val acc {correct / len(va_idx):.3f}  lr {sched.get_last_lr()[0]:.2e}")

conf = np.zeros((len(CLASSES), len(CLASSES)), dtype=int)
model.eval()
with torch.no_grad():
    for xb, yb in val_dl:
        pred = model(xb).argmax(1)
        for t, p in zip(yb.tolist(), pred.tolist()):
            conf[t, p] += 1
for k, name in enumerate(CLASSES):
    print(f"{name:10s} acc {conf[k, k] / max(1, conf[k].sum()):.3f}")
print("confusion:\n", conf)
print(f"final val acc {np.trace(conf) / conf.sum():.3f}")
