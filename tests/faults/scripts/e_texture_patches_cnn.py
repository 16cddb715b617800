"""Texture recognition on 12x12 patches: horizontal stripes / vertical stripes / checkerboard / blob.

nn.Sequential CNN, SGD with momentum, trained for a handful of epochs.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
torch.set_num_threads(1)
rng = np.random.default_rng(3)


def texture_batch(n):
    yy, xx = np.mgrid[0:12, 0:12]
    imgs = np.empty((n, 1, 12, 12), dtype=np.float32)
    labels = rng.integers(0, 4, size=n)
    for i, lab in enumerate(labels):
        period = rng.integers(2, 5)
        phase = rng.integers(0, period)
        if lab == 0:
            base = ((yy + phase) // (period / 2) % 2)
        elif lab == 1:
            base = ((xx + phase) // (period / 2) % 2)
        elif lab == 2:
            base = (((yy + phase) // 2 + (xx + phase) // 2) % 2)
        else:
            cy, cx = rng.uniform(3, 9, size=2)
            base = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 6.0)
        imgs[i, 0] = base * rng.uniform(0.5, 1.0) + rng.normal(0, 0.5, size=(12, 12))
    return imgs, labels.astype(np.int64)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    losses, correct, seen = [], 0, 0
    for x, y in loader:
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        correct += (logits.argmax(1) == y).sum().item()
        seen += len(y)
    return float(np.mean(losses)), correct / seen


def evaluate(model, loader):
    model.eval()
    correct = seen = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            seen += len(y)
    return correct / seen


def main():
    x_train, y_train = texture_batch(1200)
    x_val, y_val = texture_batch(400)
    mean, std = float(x_train.mean()), float(x_train.std())
    x_train = (x_train - mean) / std
    x_val = (x_val - mean) / std

    train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
                              batch_size=50, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val)),
                            batch_size=200)

    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 6 * 6, 64), nn.ReLU(),
        nn.Linear(64, 4),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, 9):
        train_loss, train_acc = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss {train_loss:.4f}  train_acc {train_acc:.3f}  val_acc {val_acc:.3f}")

    print(f"Final validation accuracy: {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
