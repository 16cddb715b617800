"""Iris species classifier: BatchNorm MLP, SGD + Nesterov momentum, StepLR."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)

CFG = dict(epochs=60, batch_size=16, lr=0.05, momentum=0.9, step_size=20, gamma=0.5, seed=44)


class Flowers(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    x, y = zip(*batch)
    return torch.stack(x), torch.stack(y)


class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(),
                                  nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ReLU())
        self.cls = nn.Linear(32, 3)

    def forward(self, x):
        return self.cls(self.body(x))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"],
                                   nesterov=True, weight_decay=5e-4)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=cfg["step_size"], gamma=cfg["gamma"])
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
        return sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader) / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.sched.step()
            if epoch % 10 == 9:
                print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=CFG["epochs"])
    cfg = {**CFG, **vars(ap.parse_args())}
    torch.manual_seed(cfg["seed"])
    X, y = load_iris(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=cfg["seed"])
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(Flowers(sc.transform(X_tr), y_tr), batch_size=cfg["batch_size"], shuffle=True,
                    drop_last=True, collate_fn=collate)
    vl = DataLoader(Flowers(sc.transform(X_va), y_va), batch_size=64, collate_fn=collate)
    acc = Trainer(IrisNet(), cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
