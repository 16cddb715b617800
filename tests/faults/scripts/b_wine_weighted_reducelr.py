"""Wine cultivar classifier with class weights, dropout and ReduceLROnPlateau."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)

CONFIG = {"epochs": 40, "batch_size": 16, "lr": 2e-3, "weight_decay": 1e-2, "dropout": 0.3, "seed": 12}


class WineData(Dataset):
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
    def __init__(self, model, cfg, class_weights):
        self.model, self.cfg = model, cfg
        self.crit = nn.CrossEntropyLoss(weight=class_weights)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
        self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(self.opt, mode="min", factor=0.5, patience=4)

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
            if epoch % 5 == 4:
                print(f"epoch {epoch + 1:2d} train_loss {tr:.4f} val_loss {vloss:.4f} val_acc {vacc:.3f} "
                      f"lr {self.opt.param_groups[0]['lr']:.1e}")
        return vacc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    ap.add_argument("--lr", type=float, default=CONFIG["lr"])
    cfg = {**CONFIG, **vars(ap.parse_args())}
    torch.manual_seed(cfg["seed"])
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=cfg["seed"])
    sc = StandardScaler().fit(X_tr)
    counts = np.bincount(y_tr)
    w = torch.tensor(counts.sum() / (len(counts) * counts), dtype=torch.float32)
    tl = DataLoader(WineData(sc.transform(X_tr), y_tr), batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    vl = DataLoader(WineData(sc.transform(X_va), y_va), batch_size=64, collate_fn=collate)
    model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Dropout(cfg["dropout"]),
                          nn.Linear(64, 32), nn.ReLU(), nn.Dropout(cfg["dropout"]), nn.Linear(32, 3))
    acc = Trainer(model, cfg, w).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
