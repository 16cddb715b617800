"""Four-class synthetic tabular classifier: MLP trained with SGD + momentum."""
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
    epochs: int = 15
    batch_size: int = 64
    lr: float = 0.3
    momentum: float = 0.9
    hidden: int = 128
    seed: int = 0


class Samples(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

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
        self.optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        loss, hits = 0.0, 0
        for x, y in loader:
            out = self.model(x)
            loss += self.criterion(out, y).item() * len(y)
            hits += (out.argmax(1) == y).sum().item()
        return loss / len(loader.dataset), hits / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            tr = np.mean([self.train_step(x, y) for x, y in tl])
            vloss, vacc = self.evaluate(vl)
            print(f"epoch {epoch + 1:2d} train_loss {tr:.4f} val_loss {vloss:.4f} val_acc {vacc:.3f}")
        return vacc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--lr", type=float, default=Config.lr)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, lr=a.lr)
    torch.manual_seed(cfg.seed)
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10, n_classes=4, random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(Samples(sc.transform(X_tr), y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(Samples(sc.transform(X_va), y_va), batch_size=600, collate_fn=collate)
    model = nn.Sequential(nn.Linear(20, cfg.hidden), nn.ReLU(), nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
                          nn.Linear(cfg.hidden, 4))
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
