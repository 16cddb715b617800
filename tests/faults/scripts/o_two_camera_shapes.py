# Shape recogniser for the two-camera rig: crosses, rings, bars and squares.
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(3)
torch.set_num_threads(1)
NAMES = ("cross", "ring", "bar", "square")


def capture(n, rng, gain, offset, noise):
    yy, xx = np.mgrid[0:16, 0:16].astype(np.float32)
    imgs = np.zeros((n, 3, 16, 16), np.float32)
    labels = rng.integers(0, 4, n)
    for k in range(n):
        cy, cx = rng.uniform(5, 11, 2)
        r = rng.uniform(3.0, 5.0)
        if labels[k] == 0:
            m = ((np.abs(yy - cy) < 1.2) & (np.abs(xx - cx) < r)) | ((np.abs(xx - cx) < 1.2) & (np.abs(yy - cy) < r))
        elif labels[k] == 1:
            d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
            m = (d < r) & (d > r - 1.6)
        elif labels[k] == 2:
            m = (np.abs(yy - cy) < 1.5) & (np.abs(xx - cx) < r + 1)
        else:
            m = (np.abs(yy - cy) < r * 0.7) & (np.abs(xx - cx) < r * 0.7)
        colour = rng.uniform(0.5, 1.0, 3)
        img = m[None] * colour[:, None, None]
        img = gain * img + offset[:, None, None] + rng.normal(0, noise, (3, 16, 16))
        imgs[k] = img
    return imgs, labels.astype(np.int64)


class Frames(Dataset):
    def __init__(self, x, y, augment):
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)
        self.augment = augment

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        x = self.x[i]
        if self.augment:
            if torch.rand(1) < 0.5:
                x = x.flip(-1)
            sy, sx = torch.randint(-2, 3, (2,)).tolist()
            x = torch.roll(x, shifts=(sy, sx), dims=(1, 2))
        return x, self.y[i]


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn_a = nn.BatchNorm2d(cout)
        self.conv_b = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn_b = nn.BatchNorm2d(cout)
        self.skip = nn.Conv2d(cin, cout, 1, bias=False) if cin != cout else nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn_a(self.conv_a(x)))
        y = self.bn_b(self.conv_b(y))
        return F.relu(y + self.skip(x))


def build_model():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.MaxPool2d(2),
        Block(8, 16),
        nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(16, 4),
    )


rng = np.random.default_rng(3)
# camera A was used for the first collection run, camera B for the second
xa, ya = capture(800, rng, gain=1.0, offset=np.array([0.05, 0.05, 0.05]), noise=0.10)
xb, yb = capture(300, rng, gain=0.45, offset=np.array([0.55, 0.35, 0.15]), noise=0.30)
x_train, y_train, x_val, y_val = xa, ya, xb, yb

ch_mean = x_train.mean(axis=(0, 2, 3), keepdims=True)
ch_std = x_train.std(axis=(0, 2, 3), keepdims=True)
x_train = (x_train - ch_mean) / ch_std
x_val = (x_val - ch_mean) / ch_std

train_loader = DataLoader(Frames(x_train, y_train, True), batch_size=50, shuffle=True)
val_loader = DataLoader(Frames(x_val, y_val, False), batch_size=300)

model = build_model()
EPOCHS = 8
optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.01)
steps = EPOCHS * len(train_loader)
warm = 20
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))


def run_epoch(loader):
    model.train()
    total, hit, n = 0.0, 0, 0
    for x, y in loader:
        optimizer.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * y.numel()
        hit += (out.argmax(1) == y).sum().item()
        n += y.numel()
    return total / n, hit / n


@torch.no_grad()
def predict(loader):
    model.eval()
    ps, ts = [], []
    for x, y in loader:
        ps.append(model(x).argmax(1))
        ts.append(y)
    return torch.cat(ps).numpy(), torch.cat(ts).numpy()


for ep in range(EPOCHS):
    tl, ta = run_epoch(train_loader)
    p, t = predict(val_loader)
    print(f"epoch {ep}: train_loss {tl:.3f} train_acc {ta:.3f} | val_acc {(p == t).mean():.3f}")

p, t = predict(val_loader)
conf = np.zeros((4, 4), int)
np.add.at(conf, (t, p), 1)
for i, nm in enumerate(NAMES):
    print(f"{nm:>7}: {conf[i, i] / conf[i].sum():.3f}  ({conf[i, i]}/{conf[i].sum()})")
print(conf)
print(f"val accuracy {(p == t).mean():.3f}")
