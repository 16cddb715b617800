"""Classify generated 1-D waveforms (sine / square / sawtooth / noise) with a GRU."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)


@dataclass
class Config:
    n_train: int = 1600
    n_val: int = 400
    seq_len: int = 40
    hidden: int = 32
    epochs: int = 12
    batch_size: int = 32
    lr: float = 3e-3
    clip: float = 1.0
    seed: int = 50


def make_waves(n, seq_len, rng):
    t = np.linspace(0, 1, seq_len)
    X, y = np.zeros((n, seq_len), dtype=np.float32), rng.integers(0, 4, size=n)
    for i, label in enumerate(y):
        freq, phase = rng.uniform(2, 5), rng.uniform(0, 2 * np.pi)
        s = np.sin(2 * np.pi * freq * t + phase)
        if label == 1:
            s = np.sign(s)
        elif label == 2:
            s = 2 * ((freq * t + phase / (2 * np.pi)) % 1.0) - 1
        elif label == 3:
            s = rng.normal(0, 0.7, size=seq_len)
        X[i] = s + rng.normal(0, 0.3, size=seq_len)
    return X, y


class Waves(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.X[i]).unsqueeze(-1), int(self.y[i])


def collate(batch):
    seqs = torch.stack([b[0] for b in batch])
    return seqs, torch.tensor([b[1] for b in batch])


class GRUClassifier(nn.Module):
    def __init__(self, hidden, n_classes=4):
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-2)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=cfg.epochs)
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        return sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader) / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.sched.step()
            print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--hidden", type=int, default=Config.hidden)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, hidden=a.hidden)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    X_tr, y_tr = make_waves(cfg.n_train, cfg.seq_len, rng)
    X_va, y_va = make_waves(cfg.n_val, cfg.seq_len, rng)
    mu, sd = X_tr.mean(), X_tr.std()
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    tl = DataLoader(Waves(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(Waves(X_va, y_va), batch_size=200, collate_fn=collate)
    acc = Trainer(GRUClassifier(cfg.hidden), cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
