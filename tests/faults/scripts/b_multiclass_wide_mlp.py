"""Five-class synthetic classification with a wide MLP, AdamW and cosine annealing."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


class ArrayDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X.astype(np.float32), y.astype(np.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def numpy_collate(batch):
    X = torch.from_numpy(np.stack([b[0] for b in batch]))
    y = torch.from_numpy(np.array([b[1] for b in batch]))
    return X, y


class WideMLP(nn.Module):
    def __init__(self, d_in, width, n_out):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(d_in, width), nn.ReLU(),
                                    nn.Linear(width, width), nn.ReLU())
        self.classifier = nn.Linear(width, n_out)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=1.0)
            nn.init.normal_(m.bias, mean=0.0, std=1.0)

    def forward(self, x):
        return self.classifier(self.hidden(x))


class Trainer:
    def __init__(self, model, args):
        self.model, self.args = model, args
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=args.epochs)
        self.step = 0

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        if self.step == 0:
            print(f"first step loss {loss.item():.3f}")
        self.step += 1
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct = total = 0
        for x, y in loader:
            correct += (self.model(x).argmax(-1) == y).sum().item()
            total += len(y)
        return correct / total

    def fit(self, train_loader, val_loader):
        for ep in range(self.args.epochs):
            self.model.train()
            losses = [self.train_step(x, y) for x, y in train_loader]
            self.scheduler.step()
            acc = self.evaluate(val_loader)
            print(f"epoch {ep + 1:2d} loss {np.mean(losses):9.4f} val_acc {acc:.3f}")
        return acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--n-classes", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    torch.manual_seed(args.seed)

    X, y = make_classification(n_samples=2000, n_features=20, n_informative=10,
                               n_classes=args.n_classes, n_clusters_per_class=1,
                               random_state=args.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=args.seed, stratify=y)
    sc = StandardScaler().fit(X_tr)
    train_dl = DataLoader(ArrayDataset(sc.transform(X_tr), y_tr), batch_size=64, shuffle=True,
                          collate_fn=numpy_collate)
    val_dl = DataLoader(ArrayDataset(sc.transform(X_va), y_va), batch_size=256, collate_fn=numpy_collate)
    model = WideMLP(X.shape[1], args.width, args.n_classes)
    acc = Trainer(model, args).fit(train_dl, val_dl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
