"""High-dimensional assay classification (few samples, many features), wide MLP."""
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
    n_samples: int = 700
    epochs: int = 60
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.0
    hidden: int = 512
    seed: int = 6


class AssayDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
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
        loss, hits = 0.0, 0
        for x, y in loader:
            out = self.model(x)
            loss += self.crit(out, y).item() * len(y)
            hits += (out.argmax(1) == y).sum().item()
        return loss / len(loader.dataset), hits / len(loader.dataset)

    def fit(self, tl, vl, tl_eval):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            for x, y in tl:
                self.train_step(x, y)
            if epoch % 10 == 0 or epoch == self.cfg.epochs - 1:
                tr_loss, tr_acc = self.evaluate(tl_eval)
                va_loss, va_acc = self.evaluate(vl)
                print(f"epoch {epoch + 1:3d} train_loss {tr_loss:.4f} train_acc {tr_acc:.3f} "
                      f"val_loss {va_loss:.4f} val_acc {va_acc:.3f}")
        return va_acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--hidden", type=int, default=Config.hidden)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, hidden=a.hidden)
    torch.manual_seed(cfg.seed)
    X, y = make_classification(n_samples=cfg.n_samples, n_features=200, n_informative=10,
                               n_redundant=10, n_classes=2, flip_y=0.08, random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, train_size=200, stratify=y, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    X_tr, X_va = sc.transform(X_tr), sc.transform(X_va)
    tl = DataLoader(AssayDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    tl_eval = DataLoader(AssayDataset(X_tr, y_tr), batch_size=512, collate_fn=collate)
    vl = DataLoader(AssayDataset(X_va, y_va), batch_size=512, collate_fn=collate)
    model = nn.Sequential(nn.Linear(200, cfg.hidden), nn.ReLU(), nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
                          nn.Linear(cfg.hidden, 2))
    acc = Trainer(model, cfg).fit(tl, vl, tl_eval)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
