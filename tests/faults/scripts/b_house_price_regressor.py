"""House-price style regression on synthetic tabular data, AdamW + ReduceLROnPlateau."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)


@dataclass
class Settings:
    epochs: int = 40
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 13


class Listings(Dataset):
    def __init__(self, X, price):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.price = torch.tensor(price, dtype=torch.float32).unsqueeze(1)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.price[i]


def collate(batch):
    X, p = zip(*batch)
    return torch.stack(X), torch.stack(p)


class Trainer:
    def __init__(self, model, s):
        self.model, self.s = model, s
        self.opt = torch.optim.AdamW(model.parameters(), lr=s.lr, weight_decay=1e-4)
        self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(self.opt, factor=0.5, patience=5)
        self.crit = nn.MSELoss()

    def train_step(self, x, t):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), t)
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        pred = torch.cat([self.model(x) for x, _ in loader])
        tgt = torch.cat([t for _, t in loader])
        mse = torch.mean((pred - tgt) ** 2).item()
        r2 = 1.0 - mse / torch.var(tgt, unbiased=False).item()
        return mse, r2

    def fit(self, tl, vl):
        for epoch in range(self.s.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, t) for x, t in tl])
            mse, r2 = self.evaluate(vl)
            self.sched.step(mse)
            if epoch % 5 == 0 or epoch == self.s.epochs - 1:
                print(f"epoch {epoch + 1:2d} train_mse {loss:.4e} val_mse {mse:.4e} val_r2 {r2:.3f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Settings.epochs)
    ap.add_argument("--lr", type=float, default=Settings.lr)
    a = ap.parse_args()
    s = Settings(epochs=a.epochs, lr=a.lr)
    torch.manual_seed(s.seed)
    X, y = make_regression(n_samples=2500, n_features=10, n_informative=8, noise=10.0, random_state=s.seed)
    price = 320_000 + 900.0 * y
    X_tr, X_va, p_tr, p_va = train_test_split(X, price, test_size=0.2, random_state=s.seed)
    sc = StandardScaler().fit(X_tr)
    tl = DataLoader(Listings(sc.transform(X_tr), p_tr), batch_size=s.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(Listings(sc.transform(X_va), p_va), batch_size=500, collate_fn=collate)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    mse, r2 = Trainer(model, s).fit(tl, vl)
    print(f"val RMSE {np.sqrt(mse):,.0f}  val R^2 {r2:.3f}")


if __name__ == "__main__":
    main()
