"""Breast-cancer diagnosis from 30 morphology measurements, SGD + StepLR."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)

CFG = {"epochs": 30, "batch_size": 32, "lr": 1e-2, "momentum": 0.9, "seed": 8}


class Measurements(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.optimizer = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
        self.scheduler = torch.optim.lr_scheduler.StepLR(self.optimizer, step_size=10, gamma=0.5)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct, loss_sum = 0, 0.0
        for x, y in loader:
            out = self.model(x)
            loss_sum += self.criterion(out, y).item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
        n = len(loader.dataset)
        return loss_sum / n, correct / n

    def fit(self, tl, vl):
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            tr = np.mean([self.train_step(x, y) for x, y in tl])
            self.scheduler.step()
            vloss, vacc = self.evaluate(vl)
            print(f"epoch {epoch + 1:2d} train_loss {tr:.4f} val_loss {vloss:.4f} val_acc {vacc:.3f}")
        return vacc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=CFG["epochs"])
    ap.add_argument("--lr", type=float, default=CFG["lr"])
    cfg = {**CFG, **vars(ap.parse_args())}
    torch.manual_seed(cfg["seed"])
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=cfg["seed"])
    tl = DataLoader(Measurements(X_tr, y_tr), batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    vl = DataLoader(Measurements(X_va, y_va), batch_size=128, collate_fn=collate)
    model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
