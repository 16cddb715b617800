"""Wine classification: MLP, AdamW, cosine annealing, gradient clipping."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)

CONFIG = dict(epochs=60, batch_size=16, lr=3e-6, weight_decay=1e-2, clip=1.0, seed=1)


class WineRows(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return {"features": self.X[idx], "target": self.y[idx]}


def collate(batch):
    return (torch.stack([b["features"] for b in batch]), torch.stack([b["target"] for b in batch]))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=cfg["epochs"])
        self.loss_fn = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg["clip"])
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct = sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader)
        return correct / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.scheduler.step()
            if epoch % 10 == 0 or epoch == self.cfg["epochs"] - 1:
                print(f"epoch {epoch + 1:3d} loss {loss:.4f} val_acc {self.evaluate(vl):.3f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lr", type=float, default=CONFIG["lr"])
    ap.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    cfg = {**CONFIG, **vars(ap.parse_args())}
    torch.manual_seed(cfg["seed"])
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=cfg["seed"])
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(WineRows(sc.transform(X_tr), y_tr), batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    vl = DataLoader(WineRows(sc.transform(X_va), y_va), batch_size=64, collate_fn=collate)
    model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
