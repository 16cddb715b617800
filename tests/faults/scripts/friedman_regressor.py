"""Friedman #1 regression with an MLP, written as small functions."""

import torch
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from torch import nn


def load_data():
    X, y = make_friedman1(n_samples=2000, n_features=10, noise=0.5, random_state=62)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=62)
    mean, std = y_train.mean(), y_train.std()
    as_t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    return as_t(X_train), as_t((y_train - mean) / std)[:, None], as_t(X_val), as_t((y_val - mean) / std)[:, None]


def build_model():
    return nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))


def train(model, X, y, X_val, y_val, lr=0.3, epochs=10, batch_size=32):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            val = loss_fn(model(X_val), y_val).item()
        print(f"epoch {epoch}: train mse {loss.item():.4g} val mse {val:.4g} val r2 {1 - val / y_val.var().item():.3f}")


if __name__ == "__main__":
    torch.manual_seed(62)
    train(build_model(), *load_data())
