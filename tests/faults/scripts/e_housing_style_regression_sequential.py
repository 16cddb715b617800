"""Regression tutorial: predict a continuous target from 12 tabular features.

Targets are standardised with the training mean/std so the MSE is on a unit scale.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
torch.set_num_threads(1)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        pred = model(xb)
        loss = loss_fn(pred, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    return total / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    preds, targets = [], []
    for xb, yb in loader:
        preds.append(model(xb))
        targets.append(yb)
    preds, targets = torch.cat(preds), torch.cat(targets)
    mse = torch.mean((preds - targets) ** 2).item()
    r2 = 1.0 - mse / torch.var(targets, unbiased=False).item()
    return mse, r2


def main():
    X, y = make_regression(n_samples=1500, n_features=12, n_informative=8, noise=10.0, random_state=1)
    y = y + 30.0 * X[:, 0] ** 2   # a little curvature so an MLP beats a linear fit
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=1)

    x_mean, x_std = X_tr.mean(axis=0), X_tr.std(axis=0)
    y_mean, y_std = y_tr.mean(), y_tr.std()
    X_tr, X_va = (X_tr - x_mean) / x_std, (X_va - x_mean) / x_std
    y_tr, y_va = (y_tr - y_mean) / y_std, (y_va - y_mean) / y_std

    def to_ds(a, b):
        return TensorDataset(torch.tensor(a, dtype=torch.float32),
                             torch.tensor(b, dtype=torch.float32).unsqueeze(1))

    train_loader = DataLoader(to_ds(X_tr, y_tr), batch_size=32, shuffle=True)
    val_loader = DataLoader(to_ds(X_va, y_va), batch_size=256)

    model = nn.Sequential(
        nn.Linear(12, 64),
        nn.ReLU(),
        nn.Linear(64, 32),
        nn.ReLU(),
        nn.Linear(32, 1),
        nn.ReLU(),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(1, 31):
        train_mse = train_one_epoch(model, train_loader, optimizer, loss_fn)
        if epoch % 5 == 0 or epoch == 1:
            val_mse, val_r2 = evaluate(model, val_loader)
            print(f"epoch {epoch:3d}  train_mse {train_mse:.4f}  val_mse {val_mse:.4f}  val_r2 {val_r2:.3f}")

    val_mse, val_r2 = evaluate(model, val_loader)
    print(f"validation: mse={val_mse:.4f}  R^2={val_r2:.3f}")


if __name__ == "__main__":
    main()
