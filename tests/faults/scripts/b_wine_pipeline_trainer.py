"""Wine cultivar classification with a small preprocessing pipeline and class weights."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 40
    batch_size: int = 16
    lr: float = 3e-3
    weight_decay: float = 1e-2
    seed: int = 4


class WineDataset(Dataset):
    def __init__(self, X, y, transform=None):
        self.X = X if transform is None else transform(X)
        self.X = torch.tensor(self.X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys)


class Trainer:
    def __init__(self, model, cfg, class_weights):
        self.model, self.cfg = model, cfg
        self.criterion = nn.CrossEntropyLoss(weight=class_weights)
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=cfg.epochs)

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct = total = 0
        for x, y in loader:
            correct += (self.model(x).argmax(1) == y).sum().item()
            total += len(y)
        return correct / total

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in train_loader])
            self.scheduler.step()
            if epoch % 5 == 4:
                print(f"epoch {epoch + 1:2d} loss {loss:.4f} train_acc {self.evaluate(train_loader):.3f} "
                      f"val_acc {self.evaluate(val_loader):.3f}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--lr", type=float, default=Config.lr)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, lr=a.lr)
    torch.manual_seed(cfg.seed)

    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=cfg.seed)
    scaler = StandardScaler().fit(X_tr)
    counts = np.bincount(y_tr)
    weights = torch.tensor(len(y_tr) / (len(counts) * counts), dtype=torch.float32)

    train_ds = WineDataset(X_tr, y_tr, transform=scaler.transform)
    val_ds = WineDataset(X_va, y_va)
    tl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(val_ds, batch_size=64, collate_fn=collate)
    model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 3))
    acc = Trainer(model, cfg, weights).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
