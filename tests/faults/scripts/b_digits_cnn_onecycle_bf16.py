"""Digits CNN with OneCycleLR (stepped per batch) and bf16 autocast on CPU."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 10
    batch_size: int = 64
    max_lr: float = 5e-3
    weight_decay: float = 1e-2
    seed: int = 27


class Images(Dataset):
    def __init__(self, X, y, mean, std):
        self.X = torch.tensor((X - mean) / std, dtype=torch.float32).reshape(-1, 1, 8, 8)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(x.flatten(1))


class Trainer:
    def __init__(self, model, cfg, steps_per_epoch):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=cfg.weight_decay)
        self.sched = torch.optim.lr_scheduler.OneCycleLR(self.opt, max_lr=cfg.max_lr, epochs=cfg.epochs,
                                                         steps_per_epoch=steps_per_epoch)

    def train_step(self, x, y):
        self.opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = self.model(x)
        loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits = 0
        for x, y in loader:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                hits += (self.model(x).argmax(1) == y).sum().item()
        return hits / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            print(f"epoch {epoch + 1:2d} loss {loss:.4f} lr {self.sched.get_last_lr()[0]:.2e} "
                  f"val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--max-lr", type=float, default=Config.max_lr)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, max_lr=a.max_lr)
    torch.manual_seed(cfg.seed)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    mean, std = X_tr.mean(), X_tr.std()
    tl = DataLoader(Images(X_tr, y_tr, mean, std), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(Images(X_va, y_va, mean, std), batch_size=256, collate_fn=collate)
    acc = Trainer(SmallCNN(), cfg, len(tl)).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
