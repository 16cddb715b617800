"""Breast-cancer classifier: BCE-with-logits, AdamW, early stopping on validation loss."""
import argparse
import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    max_epochs: int = 60
    patience: int = 8
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-2
    seed: int = 14


class Tumours(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    x, y = zip(*batch)
    return torch.stack(x), torch.stack(y)


class Model(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x).squeeze(1)


class Trainer:
    def __init__(self, model, cfg, pos_weight):
        self.model, self.cfg = model, cfg
        self.crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)

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
            logits = self.model(x)
            loss += self.crit(logits, y).item() * len(y)
            hits += ((logits > 0).float() == y).sum().item()
        return loss / len(loader.dataset), hits / len(loader.dataset)

    def fit(self, tl, vl):
        best_loss, best_state, wait = float("inf"), None, 0
        for epoch in range(self.cfg.max_epochs):
            self.model.train()
            tr = np.mean([self.train_step(x, y) for x, y in tl])
            vloss, vacc = self.evaluate(vl)
            print(f"epoch {epoch + 1:2d} train {tr:.4f} val {vloss:.4f} acc {vacc:.3f}")
            if vloss < best_loss - 1e-4:
                best_loss, best_state, wait = vloss, copy.deepcopy(self.model.state_dict()), 0
            else:
                wait += 1
                if wait >= self.cfg.patience:
                    print(f"early stopping after epoch {epoch + 1}")
                    break
        self.model.load_state_dict(best_state)
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-epochs", type=int, default=Config.max_epochs)
    ap.add_argument("--patience", type=int, default=Config.patience)
    a = ap.parse_args()
    cfg = Config(max_epochs=a.max_epochs, patience=a.patience)
    torch.manual_seed(cfg.seed)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    pos_weight = torch.tensor((y_tr == 0).sum() / (y_tr == 1).sum(), dtype=torch.float32)
    tl = DataLoader(Tumours(sc.transform(X_tr), y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(Tumours(sc.transform(X_va), y_va), batch_size=128, collate_fn=collate)
    loss, acc = Trainer(Model(X.shape[1]), cfg, pos_weight).fit(tl, vl)
    print(f"best val loss {loss:.4f}  val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
