"""Supervised reference model for the meta-learning comparison: a small Trainer
class around an MLP on a 10-class synthetic problem."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


@dataclass
class Config:
    seed: int = 13
    hidden: int = 128
    lr: float = 1e-3
    epochs: int = 12
    batch_size: int = 64


class MLP(nn.Module):
    def __init__(self, d_in, hidden, n_out):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(),
                                    nn.Linear(hidden, hidden), nn.ReLU())
        self.out = nn.Linear(hidden, n_out)
        nn.init.normal_(self.out.weight, mean=0.0, std=10.0)
        nn.init.constant_(self.out.bias, 0.0)

    def forward(self, x):
        return self.out(self.hidden(x))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.step = 0

    def fit_epoch(self, X, y):
        self.model.train()
        perm = torch.randperm(len(y))
        losses = []
        for i in range(0, len(y), self.cfg.batch_size):
            idx = perm[i:i + self.cfg.batch_size]
            loss = F.cross_entropy(self.model(X[idx]), y[idx])
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            if self.step == 0:
                print(f"  first batch loss {loss.item():.3f}")
            self.step += 1
            losses.append(loss.item())
        return float(np.mean(losses))

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        logits = self.model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def main():
    cfg = Config()
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    X, y = make_classification(n_samples=2000, n_features=30, n_informative=15, n_redundant=5,
                               n_classes=10, n_clusters_per_class=1, class_sep=1.8,
                               random_state=cfg.seed)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=cfg.seed, stratify=y)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xva = (torch.tensor(sc.transform(a), dtype=torch.float32) for a in (Xtr, Xva))
    ytr, yva = torch.tensor(ytr), torch.tensor(yva)

    trainer = Trainer(MLP(30, cfg.hidden, 10), cfg)
    for ep in range(cfg.epochs):
        tl = trainer.fit_epoch(Xtr, ytr)
        vl, va = trainer.evaluate(Xva, yva)
        print(f"epoch {ep + 1:2d}/{cfg.epochs}  train {tl:.4f}  val {vl:.4f}  val acc {va:.3f}")
    print(f"final val acc {va:.3f}")


if __name__ == "__main__":
    main()
