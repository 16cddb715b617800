"""Fault classification from sensor readings collected in production batches.

Rows come from several acquisition batches; we train on the earlier batches and
hold out the most recent ones for validation.
"""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)


@dataclass
class Config:
    n_batches: int = 10
    rows_per_batch: int = 200
    n_features: int = 6
    holdout_batches: int = 3
    epochs: int = 40
    batch_size: int = 64
    lr: float = 3e-3
    seed: int = 5


def make_sensor_data(cfg):
    rng = np.random.default_rng(cfg.seed)
    scale = rng.uniform(0.5, 3.0, size=cfg.n_features)
    offset = rng.normal(0.0, 2.0, size=cfg.n_features)
    X, y, batch_id = [], [], []
    for b in range(cfg.n_batches):
        latent = rng.normal(size=(cfg.rows_per_batch, cfg.n_features))
        latent[:, :2] += 0.4 * b
        score = (np.sin(2.0 * latent[:, 0]) + np.cos(2.0 * latent[:, 1])
                 + 0.2 * rng.normal(size=cfg.rows_per_batch))
        labels = np.digitize(score, [-0.5, 0.5])
        X.append(latent * scale + offset)
        y.append(labels)
        batch_id.append(np.full(cfg.rows_per_batch, b))
    return np.concatenate(X), np.concatenate(y), np.concatenate(batch_id)


class SensorDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys)


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-2)
        self.loss_fn = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        ok = n = 0
        for x, y in loader:
            ok += (self.model(x).argmax(1) == y).sum().item()
            n += len(y)
        return ok / n

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in train_loader])
            if (epoch + 1) % 8 == 0:
                print(f"epoch {epoch + 1:2d} loss {loss:.4f} "
                      f"train_acc {self.evaluate(train_loader):.3f} val_acc {self.evaluate(val_loader):.3f}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--holdout-batches", type=int, default=Config.holdout_batches)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, holdout_batches=a.holdout_batches)
    torch.manual_seed(cfg.seed)

    X, y, batch_id = make_sensor_data(cfg)
    is_val = batch_id >= cfg.n_batches - cfg.holdout_batches
    X_tr, y_tr, X_va, y_va = X[~is_val], y[~is_val], X[is_val], y[is_val]
    mu, sd = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    print(f"train rows {len(y_tr)}  val rows {len(y_va)}")

    model = nn.Sequential(nn.Linear(cfg.n_features, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 3))
    tl = DataLoader(SensorDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(SensorDataset(X_va, y_va), batch_size=256, collate_fn=collate)
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"holdout accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
