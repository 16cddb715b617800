"""Noisy two-moons: MLP trained with SGD + momentum, StepLR per epoch, gradient clipping."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)

DEFAULTS = {"epochs": 30, "batch_size": 32, "lr": 0.05, "momentum": 0.9, "step_size": 10,
            "gamma": 0.3, "clip": 1.0, "seed": 33}


class Moons(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"xy": self.X[i], "label": self.y[i]}


def collate(batch):
    return torch.stack([b["xy"] for b in batch]), torch.stack([b["label"] for b in batch])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"], weight_decay=1e-4)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=cfg["step_size"], gamma=cfg["gamma"])
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg["clip"])
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
            if epoch % 3 == 2:
                print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    ap.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    cfg = {**DEFAULTS, **vars(ap.parse_args())}
    torch.manual_seed(cfg["seed"])
    X, y = make_moons(n_samples=2000, noise=0.25, random_state=cfg["seed"])
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=cfg["seed"])
    mu, sd = X_tr.mean(0), X_tr.std(0)
    tl = DataLoader(Moons((X_tr - mu) / sd, y_tr), batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    vl = DataLoader(Moons((X_va - mu) / sd, y_va), batch_size=500, collate_fn=collate)
    model = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
