"""Synthetic 4-class tabular task: MLP trained with SGD + momentum, ReduceLROnPlateau."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)

DEFAULTS = {"epochs": 25, "batch_size": 64, "lr": 0.05, "momentum": 0.995, "seed": 17}


class Rows(Dataset):
    def __init__(self, X, y):
        self.X, self.y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"],
                                   weight_decay=1e-4)
        self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(self.opt, factor=0.5, patience=4)
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
        loss, hits = 0.0, 0
        for x, y in loader:
            out = self.model(x)
            loss += self.crit(out, y).item() * len(y)
            hits += (out.argmax(1) == y).sum().item()
        return loss / len(loader.dataset), hits / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            tr = np.mean([self.train_step(x, y) for x, y in tl])
            vloss, vacc = self.evaluate(vl)
            self.sched.step(vloss)
            print(f"epoch {epoch + 1:2d} train_loss {tr:.4f} val_loss {vloss:.4f} val_acc {vacc:.3f}")
        return vacc


def main():
    ap = argparse.ArgumentParser()
    for k, v in DEFAULTS.items():
        ap.add_argument("--" + k.replace("_", "-"), type=type(v), default=v)
    cfg = vars(ap.parse_args())
    torch.manual_seed(cfg["seed"])
    X, y = make_classification(n_samples=3000, n_features=16, n_informative=8, n_classes=4,
                               random_state=cfg["seed"])
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg["seed"])
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(Rows(sc.transform(X_tr), y_tr), batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    vl = DataLoader(Rows(sc.transform(X_va), y_va), batch_size=256, collate_fn=collate)
    model = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 4))
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
