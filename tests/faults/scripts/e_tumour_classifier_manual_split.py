# Breast-cancer (WDBC) diagnosis with a small feed-forward net.
# Manual 80/20 split after a one-off shuffle, standardisation with train statistics.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(2024)
torch.set_num_threads(1)
rng = np.random.default_rng(2024)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, n = 0.0, 0
    for features, target in loader:
        optimizer.zero_grad()
        output = model(features)
        loss = loss_fn(output, target)
        loss.backward()
        optimizer.step()
        total += loss.item() * target.size(0)
        n += target.size(0)
    return total / n


def evaluate(model, loader):
    model.eval()
    hits = n = 0
    with torch.no_grad():
        for features, target in loader:
            hits += (model(features).argmax(dim=1) == target).sum().item()
            n += target.size(0)
    return hits / n


def main():
    data = load_breast_cancer()
    X = data.data.astype(np.float32)
    y = data.target.astype(np.int64)

    rng.shuffle(X)
    rng.shuffle(y)
    n_train = int(0.8 * len(X))
    X_train, X_val = X[:n_train], X[n_train:]
    y_train, y_val = y[:n_train], y[n_train:]

    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0) + 1e-8
    X_train = (X_train - mu) / sd
    X_val = (X_val - mu) / sd

    train_loader = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
                              batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val)),
                            batch_size=128)

    model = nn.Sequential(
        nn.Linear(30, 64), nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(64, 32), nn.ReLU(),
        nn.Linear(32, 2),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, 31):
        loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}: train loss {loss:.4f}, val accuracy {evaluate(model, val_loader):.3f}")
    print(f"Validation accuracy: {evaluate(model, val_loader):.3f}  (majority baseline {max(y_val.mean(), 1 - y_val.mean()):.3f})")


if __name__ == "__main__":
    main()
