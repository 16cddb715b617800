"""Diabetes progression regression: standardised targets, AdamW, cosine schedule, dropout."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 80
    batch_size: int = 32
    lr: float = 2e-3
    weight_decay: float = 5e-2
    seed: int = 29


class Patients(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32).view(-1, 1)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=cfg.epochs, eta_min=1e-5)
        self.crit = nn.MSELoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        preds = torch.cat([self.model(x) for x, _ in loader])
        ys = torch.cat([y for _, y in loader])
        mse = nn.functional.mse_loss(preds, ys).item()
        return mse, 1 - mse / ys.var(unbiased=False).item()

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.sched.step()
            if epoch % 10 == 9:
                mse, r2 = self.evaluate(vl)
                print(f"epoch {epoch + 1:2d} train_mse {loss:.4f} val_mse {mse:.4f} val_r2 {r2:.3f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs)
    torch.manual_seed(cfg.seed)
    X, y = load_diabetes(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    xs = StandardScaler().fit(X_tr)
    y_mu, y_sd = y_tr.mean(), y_tr.std()
    tl = DataLoader(Patients(xs.transform(X_tr), (y_tr - y_mu) / y_sd), batch_size=cfg.batch_size,
                    shuffle=True, collate_fn=collate)
    vl = DataLoader(Patients(xs.transform(X_va), (y_va - y_mu) / y_sd), batch_size=256, collate_fn=collate)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1))
    mse, r2 = Trainer(model, cfg).fit(tl, vl)
    print(f"val R^2 {r2:.3f}  val RMSE {np.sqrt(mse) * y_sd:.1f}")


if __name__ == "__main__":
    main()
