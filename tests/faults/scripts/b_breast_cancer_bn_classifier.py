"""Breast cancer malignancy classifier: BatchNorm MLP, BCE-with-logits, ReduceLROnPlateau."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_breast_cancer

torch.set_num_threads(1)

DEFAULTS = dict(epochs=30, batch_size=32, lr=1e-3, weight_decay=1e-4, val_size=120, seed=3)


class CancerDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return {"x": self.X[idx], "y": self.y[idx]}


def collate(batch):
    return {k: torch.stack([item[k] for item in batch]) for k in batch[0]}


class Net(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(d, 64), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.layers(x).squeeze(-1)


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.criterion = nn.BCEWithLogitsLoss()
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
        self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(self.optimizer, mode="min", factor=0.5, patience=3)

    def train_step(self, batch):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(batch["x"]), batch["y"])
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        losses, correct, n = [], 0, 0
        for batch in loader:
            logits = self.model(batch["x"])
            losses.append(self.criterion(logits, batch["y"]).item() * len(logits))
            correct += ((logits > 0).float() == batch["y"]).sum().item()
            n += len(logits)
        return sum(losses) / n, correct / n

    def fit(self, train_loader, val_loader):
        for epoch in range(1, self.cfg["epochs"] + 1):
            self.model.train()
            tr_loss = np.mean([self.train_step(b) for b in train_loader])
            val_loss, val_acc = self.evaluate(val_loader)
            self.scheduler.step(val_loss)
            print(f"epoch {epoch:2d} | train {tr_loss:.4f} | val {val_loss:.4f} | acc {val_acc:.3f}")
        return val_acc


def main():
    ap = argparse.ArgumentParser()
    for k, v in DEFAULTS.items():
        ap.add_argument(f"--{k.replace('_', '-')}", type=type(v), default=v)
    cfg = vars(ap.parse_args())
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])

    X, y = load_breast_cancer(return_X_y=True)
    perm = rng.permutation(len(X))
    va_idx, tr_idx = perm[:cfg["val_size"]], perm[cfg["val_size"]:]
    mean, std = X[tr_idx].mean(0), X[tr_idx].std(0)
    Xn = (X - mean) / std
    print(f"train rows {len(tr_idx)}, val rows {len(va_idx)}")

    train_loader = DataLoader(CancerDataset(Xn[tr_idx], y[tr_idx]), batch_size=cfg["batch_size"],
                              shuffle=True, collate_fn=collate)
    val_loader = DataLoader(CancerDataset(Xn[va_idx], y[va_idx]), batch_size=64, collate_fn=collate)
    acc = Trainer(Net(X.shape[1]), cfg).fit(train_loader, val_loader)
    print(f"validation accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
