"""Four-class synthetic tabular classifier, MLP with dropout, AdamW."""
import argparse
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


class TabularRows(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


def collate(batch):
    x, y = zip(*batch)
    return torch.stack(x), torch.stack(y)


class Trainer:
    def __init__(self, model, epochs, lr):
        self.model, self.epochs = model, epochs
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-2)
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
        correct = sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader)
        return correct / len(loader.dataset)

    def fit(self, train_loader, val_loader):
        for epoch in range(self.epochs):
            self.model.train()
            losses = [self.train_step(x, y) for x, y in train_loader]
            print(f"epoch {epoch + 1:2d}  loss {np.mean(losses):.4f}  val_acc {self.evaluate(val_loader):.4f}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    torch.manual_seed(0)

    X, y = make_classification(n_samples=3000, n_features=20, n_informative=6, n_classes=4,
                               class_sep=0.8, random_state=0)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    order = np.argsort(y_tr, kind="stable")
    X_tr, y_tr = X_tr[order], y_tr[order]
    print("class counts:", dict(sorted(Counter(y_tr.tolist()).items())))
    mean, std = X_tr.mean(0), X_tr.std(0) + 1e-6
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std

    train_loader = DataLoader(TabularRows(X_tr, y_tr), batch_size=args.batch_size, collate_fn=collate)
    val_loader = DataLoader(TabularRows(X_va, y_va), batch_size=256, collate_fn=collate)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 4))
    acc = Trainer(model, args.epochs, args.lr).fit(train_loader, val_loader)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
