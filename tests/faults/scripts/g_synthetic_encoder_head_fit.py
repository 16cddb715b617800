"""make_classification benchmark: encoder + task head, lightning-style hooks.

The module is created with a default head size; setup() resizes the head once the
datamodule reports how many classes the data has (like LightningModule.setup).
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class DataModule:
    def __init__(self, seed=8, batch_size=64):
        X, y = make_classification(n_samples=2500, n_features=24, n_informative=14, n_redundant=4,
                                   n_classes=6, n_clusters_per_class=1, class_sep=1.2, random_state=seed)
        X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=seed, stratify=y)
        mu, sd = X_tr.mean(0), X_tr.std(0)
        self.num_classes = int(y.max() + 1)
        self.num_features = X.shape[1]
        self.train = TensorDataset(torch.tensor((X_tr - mu) / sd, dtype=torch.float32), torch.tensor(y_tr))
        self.val = TensorDataset(torch.tensor((X_va - mu) / sd, dtype=torch.float32), torch.tensor(y_va))
        self.batch_size = batch_size

    def train_dataloader(self):
        return DataLoader(self.train, batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val, batch_size=500)


class Meter:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def update(self, value, n):
        self.total += value * n
        self.count += n

    def avg(self):
        return self.total / self.count


class EncoderClassifier(nn.Module):
    def __init__(self, in_features, hidden=64, num_classes=2, lr=2e-3):
        super().__init__()
        self.lr, self.hidden = lr, hidden
        self.encoder = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU())
        self.head = self._make_head(num_classes)

    def _make_head(self, num_classes):
        return nn.Sequential(nn.Linear(self.hidden, self.hidden), nn.ReLU(),
                             nn.Linear(self.hidden, self.hidden), nn.ReLU(),
                             nn.Linear(self.hidden, num_classes))

    def setup(self, datamodule):
        if self.head[-1].out_features != datamodule.num_classes:
            self.head = self._make_head(datamodule.num_classes)

    def forward(self, x):
        return self.head(self.encoder(x))

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def fit(module, datamodule, epochs):
    optimizer = module.configure_optimizers()
    module.setup(datamodule)
    train_loader, val_loader = datamodule.train_dataloader(), datamodule.val_dataloader()
    for epoch in range(epochs):
        module.train()
        tl = Meter()
        for batch in train_loader:
            optimizer.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            optimizer.step()
            tl.update(loss.item(), len(batch[1]))
        module.eval()
        vl, va = Meter(), Meter()
        with torch.no_grad():
            for batch in val_loader:
                l, a = module.validation_step(batch)
                vl.update(l, len(batch[1]))
                va.update(a, len(batch[1]))
        print(f"epoch {epoch + 1:2d}/{epochs}: train_loss={tl.avg():.4f} val_loss={vl.avg():.4f} val_acc={va.avg():.4f}")
    return va.avg()


def main():
    seed_everything(8)
    dm = DataModule(seed=8)
    module = EncoderClassifier(dm.num_features)
    acc = fit(module, dm, epochs=20)
    print(f"validation accuracy after training: {acc:.4f}")


if __name__ == "__main__":
    main()
