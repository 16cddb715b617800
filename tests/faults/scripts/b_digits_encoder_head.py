"""Digits: encoder + classification head, trained with gradient accumulation."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 20
    micro_batch: int = 32
    accum_steps: int = 2
    lr: float = 2e-3
    emb_dim: int = 6
    seed: int = 21


class Digits(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X.astype(np.float32), y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"x": self.X[i], "y": int(self.y[i])}


def collate(rows):
    return (torch.tensor(np.stack([r["x"] for r in rows])),
            torch.tensor([r["y"] for r in rows]))


class EncoderClassifier(nn.Module):
    def __init__(self, d_in, emb_dim, n_classes):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d_in, 128), nn.ReLU(), nn.Linear(128, emb_dim))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(emb_dim, 64), nn.ReLU(), nn.Linear(64, n_classes))
        self.last_embedding = None

    def forward(self, x):
        z = self.encoder(x)
        self.last_embedding = z.detach()
        return self.head(self.last_embedding)


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-2)
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, batches):
        self.opt.zero_grad()
        total = 0.0
        for x, y in batches:
            loss = self.crit(self.model(x), y) / len(batches)
            loss.backward()
            total += loss.item()
        self.opt.step()
        return total

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits = sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader)
        return hits / len(loader.dataset)

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            buf, losses = [], []
            for batch in train_loader:
                buf.append(batch)
                if len(buf) == self.cfg.accum_steps:
                    losses.append(self.train_step(buf))
                    buf = []
            if buf:
                losses.append(self.train_step(buf))
            if epoch % 4 == 3:
                print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f} val_acc {self.evaluate(val_loader):.4f}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--emb-dim", type=int, default=Config.emb_dim)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, emb_dim=a.emb_dim)
    torch.manual_seed(cfg.seed)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(Digits(sc.transform(X_tr), y_tr), batch_size=cfg.micro_batch, shuffle=True, collate_fn=collate)
    vl = DataLoader(Digits(sc.transform(X_va), y_va), batch_size=256, collate_fn=collate)
    model = EncoderClassifier(64, cfg.emb_dim, 10)
    acc = Trainer(model, cfg).fit(tl, vl)
    print(f"val accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
