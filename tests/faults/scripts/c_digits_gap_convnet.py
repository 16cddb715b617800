"""Lightweight all-convolutional digits classifier with global average pooling."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(31)
torch.set_num_threads(1)

d = load_digits()
xtr, xva, ytr, yva = train_test_split(d.images.astype(np.float32), d.target, test_size=0.2,
                                      random_state=31, stratify=d.target)
m, s = xtr.mean(), xtr.std()
xtr = torch.from_numpy((xtr - m) / s)[:, None]
xva = torch.from_numpy((xva - m) / s)[:, None]
ytr, yva = torch.from_numpy(ytr), torch.from_numpy(yva)

WIDTH = 2
model = nn.Sequential(
    nn.Conv2d(1, WIDTH, 3, padding=1), nn.BatchNorm2d(WIDTH), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    nn.Linear(WIDTH, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
lossf = nn.CrossEntropyLoss()


def accuracy(x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


for ep in range(30):
    model.train()
    perm = torch.randperm(len(xtr))
    tot = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        l = lossf(model(xtr[b]), ytr[b])
        l.backward()
        opt.step()
        tot += l.item() * len(b)
    sched.step()
    if ep % 3 == 2:
        print(f"ep {ep + 1:2d} loss {tot / len(xtr):.4f} train_acc {accuracy(xtr, ytr):.3f} val_acc {accuracy(xva, yva):.3f}")

print(f"val accuracy {accuracy(xva, yva):.3f}")
