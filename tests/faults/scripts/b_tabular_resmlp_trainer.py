"""Residual MLP (LayerNorm + GELU blocks) for a synthetic 4-class tabular task."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 20
    batch_size: int = 64
    lr: float = 2e-3
    head_lr_mult: float = 2.0
    width: int = 8
    seed: int = 31


class TabDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X.astype(np.float32), y.astype(np.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    X = torch.from_numpy(np.stack([b[0] for b in batch]))
    y = torch.from_numpy(np.array([b[1] for b in batch]))
    return X, y


class ResBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        return x + self.net(x)


class ResMLP(nn.Module):
    def __init__(self, d_in, width, n_classes, depth=2):
        super().__init__()
        self.stem = nn.Linear(d_in, width)
        self.blocks = nn.Sequential(*[ResBlock(width) for _ in range(depth)])
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, n_classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW([
            {"params": model.blocks.parameters(), "lr": cfg.lr},
            {"params": model.head.parameters(), "lr": cfg.lr * cfg.head_lr_mult},
        ], weight_decay=1e-2)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=cfg.epochs)
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        return sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader) / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.sched.step()
            if epoch % 4 == 3:
                print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--width", type=int, default=Config.width)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, width=a.width)
    torch.manual_seed(cfg.seed)
    X, y = make_classification(n_samples=3000, n_features=30, n_informative=12, n_redundant=0,
                               n_classes=4, random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(TabDataset(sc.transform(X_tr), y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(TabDataset(sc.transform(X_va), y_va), batch_size=512, collate_fn=collate)
    acc = Trainer(ResMLP(X.shape[1], cfg.width, 4), cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
