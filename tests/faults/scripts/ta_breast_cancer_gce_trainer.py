"""Breast-cancer classifier trained with generalised cross-entropy (Zhang & Sabuncu 2018)
on a training split with 25% asymmetric label noise. Validation labels are clean."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class Config:
    seed: int = 11
    noise: float = 0.25
    q: float = 0.7
    lr: float = 1e-3
    weight_decay: float = 1e-4
    epochs: int = 40
    batch_size: int = 32
    hidden: int = 64


class GCELoss(nn.Module):
    """L_q loss: (1 - p_y^q) / q. Interpolates between CE (q->0) and MAE (q=1)."""

    def __init__(self, q=0.7):
        super().__init__()
        self.q = q

    def forward(self, logits, target):
        p = torch.softmax(logits, dim=1)
        p_y = p.gather(1, target.unsqueeze(1)).squeeze(1).clamp_min(1e-7)
        return ((1.0 - p_y ** self.q) / self.q).mean()


def make_data(cfg):
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=cfg.seed)
    scaler = StandardScaler()
    X_tr = scaler.fit_transform(X_tr)

    # asymmetric noise: flip a share of benign (1) labels to malignant (0) in training only
    rng = np.random.default_rng(cfg.seed)
    y_noisy = y_tr.copy()
    benign = np.where(y_tr == 1)[0]
    flip = rng.choice(benign, size=int(cfg.noise * len(benign)), replace=False)
    y_noisy[flip] = 0

    to_t = lambda a, dt=torch.float32: torch.as_tensor(a, dtype=dt)
    train_ds = TensorDataset(to_t(X_tr), to_t(y_noisy, torch.long))
    val_ds = TensorDataset(to_t(X_va), to_t(y_va, torch.long))
    return train_ds, val_ds, len(flip)


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        torch.manual_seed(cfg.seed)
        self.train_ds, self.val_ds, n_flip = make_data(cfg)
        print(f"train={len(self.train_ds)} val={len(self.val_ds)} flipped={n_flip}")
        self.model = nn.Sequential(
            nn.Linear(30, cfg.hidden), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
            nn.Linear(cfg.hidden, 2),
        )
        self.loss_fn = GCELoss(cfg.q)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr,
                                    weight_decay=cfg.weight_decay)
        g = torch.Generator().manual_seed(cfg.seed)
        self.train_dl = DataLoader(self.train_ds, batch_size=cfg.batch_size,
                                   shuffle=True, generator=g)
        self.val_dl = DataLoader(self.val_ds, batch_size=256)

    def train_epoch(self):
        self.model.train()
        tot, n = 0.0, 0
        for xb, yb in self.train_dl:
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            tot += loss.item() * len(yb)
            n += len(yb)
        return tot / n

    @torch.no_grad()
    def validate(self):
        self.model.eval()
        correct, n, ce = 0, 0, 0.0
        for xb, yb in self.val_dl:
            out = self.model(xb)
            ce += nn.functional.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            n += len(yb)
        return ce / n, correct / n

    def fit(self):
        for ep in range(1, self.cfg.epochs + 1):
            tr = self.train_epoch()
            vl, va = self.validate()
            if ep == 1 or ep % 5 == 0:
                print(f"ep {ep:3d} | gce {tr:.4f} | val ce {vl:.4f} | val acc {va:.4f}")
        return va


if __name__ == "__main__":
    torch.set_num_threads(1)
    acc = Trainer(Config()).fit()
    print(f"final val acc: {acc:.4f}")
