"""Texture classifier (checkerboard / stripes / dots) on 1x16x16 images, organised as a small Trainer class."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make_textures(n, rng, S=16):
    yy, xx = np.mgrid[0:S, 0:S]
    X = np.zeros((n, 1, S, S), np.float32)
    y = rng.integers(0, 3, n)
    for i in range(n):
        p = rng.integers(2, 5)
        oy, ox = rng.integers(0, p, 2)
        if y[i] == 0:
            img = (((yy + oy) // p + (xx + ox) // p) % 2).astype(np.float32)
        elif y[i] == 1:
            img = (((yy + oy) // p) % 2).astype(np.float32) if rng.random() < 0.5 else (((xx + ox) // p) % 2).astype(np.float32)
        else:
            img = (((yy + oy) % p == 0) & ((xx + ox) % p == 0)).astype(np.float32)
        X[i, 0] = img + 0.5 * rng.standard_normal((S, S))
    return X, y


class Trainer:
    def __init__(self, model, lr=0.01, epochs=8):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        self.crit = nn.CrossEntropyLoss()
        self.epochs = epochs

    def train_epoch(self, loader):
        self.model.train()
        tot, n = 0.0, 0
        for xb, yb in loader:
            loss = self.crit(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            tot += loss.item() * len(xb)
            n += len(xb)
        return tot / n

    @torch.no_grad()
    def evaluate(self, x, y):
        self.model.eval()
        logits = self.model(x)
        return self.crit(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    def fit(self, loader, x_val, y_val):
        for ep in range(self.epochs):
            tl = self.train_epoch(loader)
            vl, va = self.evaluate(x_val, y_val)
            print(f"epoch {ep + 1}: train_loss={tl:.4f} val_loss={vl:.4f} val_acc={va:.3f}")
        return va


def main():
    torch.manual_seed(23)
    torch.set_num_threads(1)
    rng = np.random.default_rng(23)
    X, y = make_textures(1500, rng)
    Xtr, ytr, Xva, yva = X[:1200], y[:1200], X[1200:], y[1200:]
    mu, sd = Xtr.mean(), Xtr.std()
    tr = TensorDataset(torch.tensor((Xtr - mu) / sd), torch.tensor(ytr))
    loader = DataLoader(tr, batch_size=32, shuffle=True)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(32, 3))
    acc = Trainer(model).fit(loader, torch.tensor((Xva - mu) / sd), torch.tensor(yva))
    print(f"final val accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
