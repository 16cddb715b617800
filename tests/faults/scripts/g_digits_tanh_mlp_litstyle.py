import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Accuracy:
    def __init__(self):
        self.correct = 0
        self.total = 0

    def update(self, logits, y):
        self.correct += (logits.argmax(dim=1) == y).sum().item()
        self.total += y.numel()

    def compute(self):
        return self.correct / max(self.total, 1)


class AverageMeter:
    def __init__(self):
        self.sum = 0.0
        self.n = 0

    def update(self, v, n):
        self.sum += v * n
        self.n += n

    @property
    def avg(self):
        return self.sum / max(self.n, 1)


class TanhClassifier(nn.Module):
    def __init__(self, sizes=(64, 128, 64), n_classes=10, lr=1e-3):
        super().__init__()
        self.lr = lr
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.head = nn.Linear(sizes[-1], n_classes)
        self.reset_parameters()

    def reset_parameters(self):
        for layer in self.hidden:
            nn.init.normal_(layer.weight, mean=0.0, std=2.0)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.tanh(layer(x))
        return self.head(x)

    def training_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y), logits

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y), logits

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def fit(module, loaders, epochs):
    train_loader, val_loader = loaders
    optimizer = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        loss_meter, acc = AverageMeter(), Accuracy()
        for batch in train_loader:
            optimizer.zero_grad()
            loss, logits = module.training_step(batch)
            loss.backward()
            optimizer.step()
            loss_meter.update(loss.item(), len(batch[1]))
            acc.update(logits.detach(), batch[1])

        module.eval()
        val_meter, val_acc = AverageMeter(), Accuracy()
        with torch.no_grad():
            for batch in val_loader:
                loss, logits = module.validation_step(batch)
                val_meter.update(loss.item(), len(batch[1]))
                val_acc.update(logits, batch[1])
        print(f"epoch {epoch + 1:2d}: train_loss {loss_meter.avg:.4f} train_acc {acc.compute():.3f} | "
              f"val_loss {val_meter.avg:.4f} val_acc {val_acc.compute():.3f}")
    return val_acc.compute()


def main():
    seed_everything(5)
    digits = load_digits()
    X, y = digits.data.astype(np.float32), digits.target
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
    mean = X_tr.mean(axis=0)
    std = X_tr.std(axis=0) + 1e-6
    X_tr = (X_tr - mean) / std
    X_va = (X_va - mean) / std

    train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                              batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)),
                            batch_size=512)

    module = TanhClassifier()
    acc = fit(module, (train_loader, val_loader), epochs=15)
    print(f"validation accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
