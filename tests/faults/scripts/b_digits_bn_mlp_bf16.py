"""Digits MLP with BatchNorm and heavy dropout, OneCycle LR, bf16 autocast on CPU."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 15
    batch_size: int = 64
    val_batch_size: int = 8
    max_lr: float = 5e-3
    dropout: float = 0.6
    seed: int = 10


class DigitSet(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


def make_model(p):
    return nn.Sequential(
        nn.Linear(64, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(p),
        nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(p),
        nn.Linear(256, 10),
    )


class Trainer:
    def __init__(self, model, cfg, steps_per_epoch):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=1e-2)
        self.sched = torch.optim.lr_scheduler.OneCycleLR(self.opt, max_lr=cfg.max_lr, epochs=cfg.epochs,
                                                         steps_per_epoch=steps_per_epoch)
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = self.model(x)
        loss = self.crit(logits.float(), y)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    def evaluate(self, loader):
        correct = 0
        with torch.no_grad():
            for x, y in loader:
                correct += (self.model(x).argmax(1) == y).sum().item()
        return correct / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--dropout", type=float, default=Config.dropout)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, dropout=a.dropout)
    torch.manual_seed(cfg.seed)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(DigitSet(sc.transform(X_tr), y_tr), batch_size=cfg.batch_size, shuffle=True,
                    drop_last=True, collate_fn=collate)
    vl = DataLoader(DigitSet(sc.transform(X_va), y_va), batch_size=cfg.val_batch_size, collate_fn=collate)
    trainer = Trainer(make_model(cfg.dropout), cfg, len(tl))
    acc = trainer.fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
