"""Synthetic tabular 3-class problem: BatchNorm + dropout MLP, OneCycle schedule."""
import argparse

import numpy as np
import torch
import torch.nn as nn
torch.set_num_threads(1)
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "epochs": 40,
    "batch_size": 32,
    "max_lr": 3e-3,
    "weight_decay": 1e-2,
    "dropout": 0.3,
    "hidden": 128,
    "seed": 7,
}


class TabularDataset(Dataset):
    def __init__(self, features, targets):
        self.features = features.astype(np.float32)
        self.targets = targets.astype(np.int64)

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return self.features[i], self.targets[i]


def collate_fn(items):
    xs, ys = zip(*items)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.array(ys))


def build_model(in_dim, hidden, n_classes, p, depth=6):
    layers, d = [], in_dim
    for _ in range(depth):
        layers += [nn.Linear(d, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(p)]
        d = hidden
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)


class Trainer:
    def __init__(self, model, cfg, steps_per_epoch):
        self.model = model
        self.cfg = cfg
        self.loss_fn = nn.CrossEntropyLoss()
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["max_lr"],
                                     weight_decay=cfg["weight_decay"])
        self.sched = torch.optim.lr_scheduler.OneCycleLR(
            self.opt, max_lr=cfg["max_lr"], epochs=cfg["epochs"],
            steps_per_epoch=steps_per_epoch)

    def train_step(self, x, y):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits, n = 0, 0
        for x, y in loader:
            hits += (self.model(x).argmax(dim=1) == y).sum().item()
            n += y.numel()
        return hits / n

    def fit(self, train_loader, val_loader, train_eval_loader):
        print(f"initial val acc {self.evaluate(val_loader):.3f}")
        for epoch in range(self.cfg["epochs"]):
            running = 0.0
            for x, y in train_loader:
                running += self.train_step(x, y)
            if epoch % 5 == 4 or epoch == self.cfg["epochs"] - 1:
                tr = self.evaluate(train_eval_loader)
                va = self.evaluate(val_loader)
                print(f"[{epoch + 1:3d}] loss={running / len(train_loader):.4f} "
                      f"train_acc={tr:.3f} val_acc={va:.3f} lr={self.sched.get_last_lr()[0]:.2e}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    ap.add_argument("--seed", type=int, default=CONFIG["seed"])
    cfg = dict(CONFIG, **vars(ap.parse_args()))

    torch.manual_seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    X, y = make_classification(n_samples=600, n_features=40, n_informative=8,
                               n_redundant=4, n_classes=3, flip_y=0.05,
                               class_sep=1.0, random_state=cfg["seed"])
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=cfg["seed"])
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

    train_loader = DataLoader(TabularDataset(X_tr, y_tr), batch_size=cfg["batch_size"],
                              shuffle=True, drop_last=True, collate_fn=collate_fn)
    train_eval = DataLoader(TabularDataset(X_tr, y_tr), batch_size=256, collate_fn=collate_fn)
    val_loader = DataLoader(TabularDataset(X_va, y_va), batch_size=256, collate_fn=collate_fn)

    model = build_model(X.shape[1], cfg["hidden"], 3, cfg["dropout"])
    trainer = Trainer(model, cfg, len(train_loader))
    acc = trainer.fit(train_loader, val_loader, train_eval)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
