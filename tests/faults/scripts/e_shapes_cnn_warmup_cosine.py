"""Small CNN on synthetic 12x12 shape images (lines, diagonals, boxes).

Course exercise: warmup + cosine learning rate by hand with LambdaLR.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

NUM_CLASSES = 4


def draw_shapes(n, rng):
    images = rng.normal(0.0, 0.35, size=(n, 1, 12, 12)).astype(np.float32)
    labels = rng.integers(0, NUM_CLASSES, size=n)
    for i in range(n):
        r, c = rng.integers(2, 10, size=2)
        if labels[i] == 0:          # horizontal bar
            images[i, 0, r, 1:11] += 1.0
        elif labels[i] == 1:        # vertical bar
            images[i, 0, 1:11, c] += 1.0
        elif labels[i] == 2:        # diagonal
            for k in range(10):
                images[i, 0, 1 + k, 1 + k] += 1.0
        else:                       # hollow box
            r, c = min(r, 7), min(c, 7)
            images[i, 0, r, c:c + 4] += 1.0
            images[i, 0, r + 3, c:c + 4] += 1.0
            images[i, 0, r:r + 4, c] += 1.0
            images[i, 0, r:r + 4, c + 3] += 1.0
    return images, labels.astype(np.int64)


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),                      # 6x6
        nn.Conv2d(8, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),                      # 3x3
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(16 * 3 * 3, 32),
        nn.ReLU(),
        nn.Linear(32, NUM_CLASSES),
    )


def train_one_epoch(model, loader, optimizer, loss_fn, scheduler):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(xb)
        count += len(xb)
    return total / count


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct, count = 0, 0
    for xb, yb in loader:
        correct += (model(xb).argmax(dim=1) == yb).sum().item()
        count += len(xb)
    return correct / count


def main():
    rng = np.random.default_rng(0)
    x_train, y_train = draw_shapes(1000, rng)
    x_val, y_val = draw_shapes(300, rng)

    mean, std = x_train.mean(), x_train.std()
    x_train = (x_train - mean) / std
    x_val = (x_val - mean) / std

    train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
                              batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val)),
                            batch_size=256)

    model = build_model()
    epochs = 10
    total_steps = epochs * len(train_loader)
    warmup_steps = 30

    def lr_lambda(step):
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, epochs + 1):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn, scheduler)
        val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch:2d}  train_loss {train_loss:.4f}  val_acc {val_acc:.3f}  "
              f"lr {scheduler.get_last_lr()[0]:.2e}")

    print(f"final validation accuracy: {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
