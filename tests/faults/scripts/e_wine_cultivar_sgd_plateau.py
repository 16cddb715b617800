# Wine cultivar classification (3 classes) -- course homework solution.
# Micro-batches of 8 with gradient accumulation (effective batch 32),
# SGD + momentum, ReduceLROnPlateau on the validation loss.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(13)
torch.set_num_threads(1)
ACCUM_STEPS = 4


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    optimizer.zero_grad()
    running, n = 0.0, 0
    for i, (xb, yb) in enumerate(loader):
        loss = loss_fn(model(xb), yb)
        (loss / ACCUM_STEPS).backward()
        if (i + 1) % ACCUM_STEPS == 0 or (i + 1) == len(loader):
            optimizer.step()
            optimizer.zero_grad()
        running += loss.item() * len(yb)
        n += len(yb)
    return running / n


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    loss_sum, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        out = model(xb)
        loss_sum += loss_fn(out, yb).item() * len(yb)
        correct += (out.argmax(1) == yb).sum().item()
        n += len(yb)
    return loss_sum / n, correct / n


def main():
    X, y = load_wine(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=13)
    scaler = StandardScaler().fit(X_train)
    X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

    as_ds = lambda a, b: TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.long))
    train_loader = DataLoader(as_ds(X_train, y_train), batch_size=8, shuffle=True)
    val_loader = DataLoader(as_ds(X_val, y_val), batch_size=64)

    model = nn.Sequential(
        nn.Linear(13, 32),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(32, 16),
        nn.ReLU(),
        nn.Linear(16, 3),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=3, min_lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, 41):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn)
        scheduler.step(val_loss)
        if epoch % 4 == 0:
            lr = optimizer.param_groups[0]["lr"]
            print(f"epoch {epoch:2d}  train_loss {train_loss:.4f}  val_loss {val_loss:.4f}  val_acc {val_acc:.3f}  lr {lr:.4f}")

    _, train_acc = evaluate(model, DataLoader(as_ds(X_train, y_train), batch_size=64), loss_fn)
    _, val_acc = evaluate(model, val_loader, loss_fn)
    print(f"train acc {train_acc:.3f} | validation acc {val_acc:.3f}")


if __name__ == "__main__":
    main()
