"""Customer-churn style binary classifier (synthetic tabular data, ~30% positives).

The minority class is oversampled to a 50/50 mix, then a small MLP is trained with Adam.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.utils import resample
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)
torch.set_num_threads(1)


def load_data():
    X, y = make_classification(n_samples=1400, n_features=16, n_informative=6, n_redundant=2,
                               weights=[0.7, 0.3], flip_y=0.12, class_sep=0.8, random_state=5)
    majority, minority = X[y == 0], X[y == 1]
    minority_up = resample(minority, replace=True, n_samples=len(majority), random_state=5)
    X_bal = np.vstack([majority, minority_up])
    y_bal = np.concatenate([np.zeros(len(majority)), np.ones(len(minority_up))])
    return train_test_split(X_bal, y_bal, test_size=0.25, random_state=5, stratify=y_bal)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    return running / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = n = 0
    for xb, yb in loader:
        preds = (model(xb).squeeze(1) > 0).float()
        correct += (preds == yb).sum().item()
        n += len(yb)
    return correct / n


def main():
    X_train, X_val, y_train, y_val = load_data()
    mean, std = X_train.mean(0), X_train.std(0)
    X_train = (X_train - mean) / std
    X_val = (X_val - mean) / std

    f32 = lambda a: torch.tensor(a, dtype=torch.float32)
    train_loader = DataLoader(TensorDataset(f32(X_train), f32(y_train)), batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(f32(X_val), f32(y_val)), batch_size=512)
    print(f"train rows: {len(X_train)}  val rows: {len(X_val)}")

    model = nn.Sequential(
        nn.Linear(16, 128), nn.ReLU(),
        nn.Linear(128, 128), nn.ReLU(),
        nn.Linear(128, 1),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(1, 13):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        if epoch % 3 == 0:
            print(f"epoch {epoch:2d}  train_loss {train_loss:.4f}  val_acc {evaluate(model, val_loader):.3f}")
    train_acc = evaluate(model, DataLoader(train_loader.dataset, batch_size=512))
    print(f"train accuracy: {train_acc:.3f}  validation accuracy: {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
