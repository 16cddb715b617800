"""Imbalanced 3-class tabular task: class-weighted loss, gradient accumulation, balanced accuracy."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 25
    micro_batch: int = 32
    accum_steps: int = 4
    lr: float = 2e-3
    clip: float = 1.0
    seed: int = 41


class Records(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X.astype(np.float32), y.astype(np.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return (torch.from_numpy(np.stack([b[0] for b in batch])),
            torch.from_numpy(np.array([b[1] for b in batch])))


class Trainer:
    def __init__(self, model, cfg, class_weights):
        self.model, self.cfg = model, cfg
        self.crit = nn.CrossEntropyLoss(weight=class_weights)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-2)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=cfg.epochs)

    def train_step(self, x, y, step_now):
        loss = self.crit(self.model(x), y) / self.cfg.accum_steps
        loss.backward()
        if step_now:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
            self.opt.step()
            self.opt.zero_grad()
        return loss.item() * self.cfg.accum_steps

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        preds, gold = [], []
        for x, y in loader:
            preds.append(self.model(x).argmax(1))
            gold.append(y)
        p, g = torch.cat(preds).numpy(), torch.cat(gold).numpy()
        return (p == g).mean(), balanced_accuracy_score(g, p)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            self.opt.zero_grad()
            losses, n = [], len(tl)
            for i, (x, y) in enumerate(tl):
                losses.append(self.train_step(x, y, (i + 1) % self.cfg.accum_steps == 0 or i + 1 == n))
            self.sched.step()
            if epoch % 5 == 4:
                acc, bacc = self.evaluate(vl)
                print(f"epoch {epoch + 1:2d} loss {np.mean(losses):.4f} val_acc {acc:.3f} val_bal_acc {bacc:.3f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--accum-steps", type=int, default=Config.accum_steps)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, accum_steps=a.accum_steps)
    torch.manual_seed(cfg.seed)
    X, y = make_classification(n_samples=4000, n_features=15, n_informative=8, n_classes=3,
                               weights=[0.8, 0.15, 0.05], class_sep=1.5, random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    counts = np.bincount(y_tr)
    w = torch.tensor(len(y_tr) / (len(counts) * counts), dtype=torch.float32)
    print(f"train class counts {counts.tolist()}")
    tl = DataLoader(Records(sc.transform(X_tr), y_tr), batch_size=cfg.micro_batch, shuffle=True, collate_fn=collate)
    vl = DataLoader(Records(sc.transform(X_va), y_va), batch_size=512, collate_fn=collate)
    model = nn.Sequential(nn.Linear(15, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    acc, bacc = Trainer(model, cfg, w).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}  balanced accuracy {bacc:.4f}")


if __name__ == "__main__":
    main()
