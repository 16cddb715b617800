"""Breast cancer (binary) with a small lightning-style module.

Weighted BCE for the class ratio, ReduceLROnPlateau on val loss, grad clipping.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed=0):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


class BinaryConfusion:
    """Accumulates tp/fp/tn/fn over batches."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.tp = self.fp = self.tn = self.fn = 0

    def update(self, logits, target):
        pred = (logits > 0).long()
        t = target.long()
        self.tp += int(((pred == 1) & (t == 1)).sum())
        self.fp += int(((pred == 1) & (t == 0)).sum())
        self.tn += int(((pred == 0) & (t == 0)).sum())
        self.fn += int(((pred == 0) & (t == 1)).sum())

    def summary(self):
        acc = (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)
        tpr = self.tp / max(self.tp + self.fn, 1)
        tnr = self.tn / max(self.tn + self.fp, 1)
        return {"acc": acc, "bal_acc": 0.5 * (tpr + tnr)}


class TumorModule(nn.Module):
    def __init__(self, n_features, pos_weight, lr=1e-3, clip=1.0):
        super().__init__()
        self.lr, self.clip = lr, clip
        self.model = nn.Sequential(
            nn.Linear(n_features, 32), nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(32, 16), nn.ReLU(),
            nn.Linear(16, 1),
        )
        self.loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([pos_weight]))

    def forward(self, x):
        return self.model(x).squeeze(-1)

    def training_step(self, batch):
        x, y = batch
        return self.loss_fn(self(x), y)

    def validation_step(self, batch, metric):
        x, y = batch
        logits = self(x)
        metric.update(logits, y)
        return self.loss_fn(logits, y).item() * len(y)

    def configure_optimizers(self):
        opt = torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=1e-4)
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
        return {"optimizer": opt, "lr_scheduler": plateau, "monitor": "val_loss"}


def fit(module, loaders, epochs):
    train_loader, val_loader = loaders
    cfg = module.configure_optimizers()
    opt, sched = cfg["optimizer"], cfg["lr_scheduler"]
    metric = BinaryConfusion()
    for epoch in range(1, epochs + 1):
        module.train()
        total = 0.0
        for batch in train_loader:
            opt.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), module.clip)
            opt.step()
            total += loss.item() * len(batch[1])
        train_loss = total / len(train_loader.dataset)

        module.eval()
        metric.reset()
        val_total = 0.0
        with torch.no_grad():
            for batch in val_loader:
                val_total += module.validation_step(batch, metric)
        val_loss = val_total / len(val_loader.dataset)
        sched.step(val_loss)
        m = metric.summary()
        if epoch % 5 == 0 or epoch == 1:
            print(f"epoch {epoch:3d} | train {train_loss:.4f} | val {val_loss:.4f} | "
                  f"acc {m['acc']:.3f} bal_acc {m['bal_acc']:.3f} | lr {opt.param_groups[0]['lr']:.1e}")
    return metric.summary()


def main():
    seed_everything(3)
    data = load_breast_cancer()
    X, y = data.data.astype(np.float32), data.target.astype(np.float32)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=3, stratify=y)
    mu, sigma = X_tr.mean(axis=0), X_tr.std(axis=0)
    X_tr, X_va = (X_tr - mu) / sigma, (X_va - mu) / sigma

    pos_weight = float((y_tr == 0).sum() / (y_tr == 1).sum())
    train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                              batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)), batch_size=128)

    module = TumorModule(X.shape[1], pos_weight=pos_weight)
    result = fit(module, (train_loader, val_loader), epochs=40)
    print(f"final: val acc {result['acc']:.4f}  balanced acc {result['bal_acc']:.4f}")


if __name__ == "__main__":
    main()
