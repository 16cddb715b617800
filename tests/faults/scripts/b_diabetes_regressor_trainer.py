"""Diabetes progression regression with an MLP, cosine LR, early stopping."""
import argparse
import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


@dataclass
class Cfg:
    epochs: int = 60
    batch_size: int = 32
    lr: float = 3e-3
    weight_decay: float = 1e-3
    patience: int = 15
    seed: int = 42


class RegressionSet(Dataset):
    def __init__(self, x, y):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.float32)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def collate(samples):
    x = torch.stack([s[0] for s in samples])
    y = torch.stack([s[1] for s in samples])
    return x, y


class Regressor(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        return self.out(self.body(x))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.crit = nn.MSELoss()
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=cfg.epochs)

    def train_step(self, x, y):
        self.opt.zero_grad()
        pred = self.model(x)
        loss = self.crit(pred, y)
        loss.backward()
        self.opt.step()
        return loss.item() * len(x)

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        preds, ys = [], []
        for x, y in loader:
            preds.append(self.model(x).reshape(-1))
            ys.append(y)
        p, t = torch.cat(preds), torch.cat(ys)
        mse = torch.mean((p - t) ** 2).item()
        r2 = 1 - mse / torch.var(t, unbiased=False).item()
        return mse, r2

    def fit(self, train_loader, val_loader):
        best, best_state, bad = float("inf"), None, 0
        for epoch in range(self.cfg.epochs):
            self.model.train()
            total = sum(self.train_step(x, y) for x, y in train_loader)
            self.sched.step()
            val_mse, val_r2 = self.evaluate(val_loader)
            if epoch % 5 == 0:
                print(f"epoch {epoch:3d} train_mse {total / len(train_loader.dataset):.4f} "
                      f"val_mse {val_mse:.4f} val_r2 {val_r2:.3f}")
            if val_mse < best - 1e-4:
                best, best_state, bad = val_mse, copy.deepcopy(self.model.state_dict()), 0
            else:
                bad += 1
                if bad >= self.cfg.patience:
                    print(f"early stop at epoch {epoch}")
                    break
        self.model.load_state_dict(best_state)
        return self.evaluate(val_loader)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=Cfg.epochs)
    p.add_argument("--lr", type=float, default=Cfg.lr)
    a = p.parse_args()
    cfg = Cfg(epochs=a.epochs, lr=a.lr)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)

    X, y = load_diabetes(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    y_mu, y_sd = y_tr.mean(), y_tr.std()
    y_tr, y_va = (y_tr - y_mu) / y_sd, (y_va - y_mu) / y_sd

    tl = DataLoader(RegressionSet(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(RegressionSet(X_va, y_va), batch_size=128, collate_fn=collate)
    mse, r2 = Trainer(Regressor(X.shape[1]), cfg).fit(tl, vl)
    print(f"best val mse {mse:.4f} (standardised), val R^2 {r2:.3f}, "
          f"RMSE in original units {np.sqrt(mse) * y_sd:.1f}")


if __name__ == "__main__":
    main()
