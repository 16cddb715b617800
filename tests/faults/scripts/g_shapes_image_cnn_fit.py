"""Tiny CNN on generated 16x16 shape images (5 classes), lightning-style hooks + fit()."""
import random

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def render_shapes(n, size=16, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    imgs = np.zeros((n, size, size), dtype=np.float32)
    labels = rng.integers(0, 5, size=n)
    for i, c in enumerate(labels):
        cx, cy = rng.uniform(5, size - 5, size=2)
        r = rng.uniform(2.5, 4.5)
        if c == 0:    # disk
            m = (xx - cx) ** 2 + (yy - cy) ** 2 <= r ** 2
        elif c == 1:  # square
            m = (np.abs(xx - cx) <= r) & (np.abs(yy - cy) <= r)
        elif c == 2:  # horizontal bar
            m = (np.abs(xx - cx) <= r + 1) & (np.abs(yy - cy) <= 1)
        elif c == 3:  # vertical bar
            m = (np.abs(xx - cx) <= 1) & (np.abs(yy - cy) <= r + 1)
        else:         # ring
            d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
            m = (d <= r) & (d >= r - 1.5)
        imgs[i][m] = rng.uniform(0.6, 1.0)
    imgs += rng.normal(0, 0.3, size=imgs.shape).astype(np.float32)
    return imgs[:, None], labels.astype(np.int64)


class RunningMean:
    def __init__(self):
        self.v, self.n = 0.0, 0

    def add(self, v, n):
        self.v += v * n
        self.n += n

    def mean(self):
        return self.v / max(self.n, 1)


class ShapeNet(nn.Module):
    def __init__(self, n_classes=5, lr=2e-3):
        super().__init__()
        self.lr = lr
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.5),
            nn.Linear(32 * 4 * 4, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(64, n_classes),
        )

    def forward(self, x):
        return self.head(self.conv(x))

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).sum().item()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=1e-4)


def evaluate(module, loader):
    loss, correct, n = RunningMean(), 0, 0
    with torch.no_grad():
        for batch in loader:
            l, c = module.validation_step(batch)
            loss.add(l, len(batch[1]))
            correct += c
            n += len(batch[1])
    return loss.mean(), correct / n


def fit(module, loaders, epochs):
    train_loader, val_loader = loaders
    opt = module.configure_optimizers()
    for epoch in range(1, epochs + 1):
        module.train()
        tr = RunningMean()
        for batch in train_loader:
            opt.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            opt.step()
            tr.add(loss.item(), len(batch[1]))
        val_loss, val_acc = evaluate(module, val_loader)
        print(f"epoch {epoch:2d}  train_loss {tr.mean():.4f}  val_loss {val_loss:.4f}  val_acc {val_acc:.4f}")
    return val_acc


def main():
    seed_everything(2024)
    X_tr, y_tr = render_shapes(2000, seed=1)
    X_va, y_va = render_shapes(500, seed=2)
    mean, std = X_tr.mean(), X_tr.std()
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std

    train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                              batch_size=50, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)), batch_size=10)

    module = ShapeNet()
    acc = fit(module, (train_loader, val_loader), epochs=10)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
