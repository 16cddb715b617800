# Lab 2: six-class tabular problem with a two-layer MLP and plain SGD.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    return epoch_loss / len(loader.dataset)


def evaluate(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(dim=1) == yb).sum().item()
    return correct / len(loader.dataset)


def main():
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10, n_redundant=4,
                               n_classes=6, n_clusters_per_class=1, class_sep=1.0,
                               flip_y=0.02, random_state=3)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y)

    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train).astype(np.float32)
    X_val = scaler.transform(X_val).astype(np.float32)

    # group rows by class so the per-class counts are easy to inspect
    order = np.argsort(y_train, kind="stable")
    X_train, y_train = X_train[order], y_train[order]
    print("train rows per class:", np.bincount(y_train).tolist())

    train_ds = TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train).long())
    val_ds = TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val).long())
    train_loader = DataLoader(train_ds, batch_size=32)
    val_loader = DataLoader(val_ds, batch_size=128)

    model = nn.Sequential(
        nn.Linear(20, 64),
        nn.ReLU(),
        nn.Linear(64, 6),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, 21):
        loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        if epoch % 2 == 0:
            print(f"epoch {epoch:02d} | train loss {loss:.4f} | val acc {evaluate(model, val_loader):.3f}")
    print(f"final val accuracy = {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
