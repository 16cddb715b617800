"""8x8 digit recognition with an nn.Sequential MLP.

Course notebook converted to a script: Adam, L2 regularisation, LambdaLR warmup.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(8)
torch.set_num_threads(1)

EPOCHS = 20
BATCH_SIZE = 64
LR = 2e-3
WEIGHT_DECAY = 0.2
WARMUP_STEPS = 40


def train_one_epoch(model, loader, optimizer, loss_fn, scheduler):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item()
    return total / len(loader)


def evaluate(model, loader):
    model.eval()
    correct = 0
    n = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            n += len(yb)
    return correct / n


def main():
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=8, stratify=y)
    mean = X_tr.mean(axis=0)
    std = X_tr.std(axis=0) + 1e-6
    X_tr = (X_tr - mean) / std
    X_va = (X_va - mean) / std

    train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr))
    val_ds = TensorDataset(torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va))
    train_loader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=256)

    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / WARMUP_STEPS))
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn, scheduler)
        val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch + 1:2d}/{EPOCHS}  loss {train_loss:.4f}  val_acc {val_acc:.3f}")
    print(f"final val_acc {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
