# House-price-like regression with a residual MLP, trained through a minimal Trainer.
# Targets are standardised with training statistics; metrics are reported on the raw scale.
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score, mean_absolute_error
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(4)
np.random.seed(4)
torch.set_num_threads(1)


@dataclass
class TrainingArguments:
    epochs: int = 25
    batch_size: int = 32
    max_lr: float = 5e-3
    weight_decay: float = 1e-4
    pct_start: float = 0.3
    max_grad_norm: float = 1.0


class ResidualBlock(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.SiLU(), nn.Dropout(p), nn.Linear(2 * d, d))

    def forward(self, x):
        return x + self.ff(self.norm(x))


class ResMLPRegressor(nn.Module):
    def __init__(self, n_in, d=64, n_blocks=2, p=0.05):
        super().__init__()
        self.inp = nn.Linear(n_in, d)
        self.blocks = nn.Sequential(*[ResidualBlock(d, p) for _ in range(n_blocks)])
        self.out = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 1))

    def forward(self, x, labels=None):
        preds = self.out(self.blocks(self.inp(x))).squeeze(-1)
        out = {"logits": preds}
        if labels is not None:
            out["loss"] = nn.functional.mse_loss(preds, labels)
        return out


class Trainer:
    def __init__(self, model, args, train_ds, val_ds, target_mean, target_std):
        self.model, self.args = model, args
        self.train_ds, self.val_ds = train_ds, val_ds
        self.t_mean, self.t_std = target_mean, target_std

    def compute_metrics(self, eval_pred):
        preds, labels = eval_pred
        preds = preds * self.t_std + self.t_mean
        labels = labels * self.t_std + self.t_mean
        return {"r2": r2_score(labels, preds), "mae": mean_absolute_error(labels, preds)}

    def fit(self):
        a = self.args
        dl = DataLoader(self.train_ds, batch_size=a.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(4))
        opt = torch.optim.AdamW(self.model.parameters(), lr=a.max_lr, weight_decay=a.weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.max_lr, epochs=a.epochs,
                                                    steps_per_epoch=len(dl), pct_start=a.pct_start)
        for ep in range(a.epochs):
            self.model.train()
            s, n = 0.0, 0
            for x, y in dl:
                opt.zero_grad()
                loss = self.model(x, labels=y)["loss"]
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), a.max_grad_norm)
                opt.step()
                sched.step()
                s += loss.item() * len(y)
                n += len(y)
            val = self.evaluate()
            if ep % 3 == 0 or ep == a.epochs - 1:
                print(f"ep {ep:02d} train_mse(std units) {s / n:.4f}  val_mse {val['mse']:.4f}  "
                      f"val_r2 {val['r2']:.4f}  val_mae {val['mae']:.2f}  lr {sched.get_last_lr()[0]:.2e}")
        return val

    def evaluate(self):
        self.model.eval()
        x, y = self.val_ds.tensors
        with torch.no_grad():
            out = self.model(x, labels=y)
        m = self.compute_metrics((out["logits"].numpy(), y.numpy()))
        m["mse"] = out["loss"].item()
        return m


def main():
    X, y = make_regression(n_samples=1500, n_features=12, n_informative=8, noise=15.0,
                           bias=250.0, random_state=4)
    y = y + 0.004 * (y - 250.0) ** 2  # mild curvature
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=4)
    xm, xs = X_tr.mean(0), X_tr.std(0)
    ym, ys = y_tr.mean(), y_tr.std()
    f32 = lambda a: torch.tensor(a, dtype=torch.float32)
    train_ds = TensorDataset(f32((X_tr - xm) / xs), f32((y_tr - ym) / ys))
    val_ds = TensorDataset(f32((X_va - xm) / xs), f32((y_va - ym) / ys))
    trainer = Trainer(ResMLPRegressor(X.shape[1]), TrainingArguments(), train_ds, val_ds, ym, ys)
    res = trainer.fit()
    print(f"validation R^2 = {res['r2']:.4f}, MAE = {res['mae']:.2f} (target std {ys:.1f})")


if __name__ == "__main__":
    main()
