# Week 4 exercise: classify noisy 12x12 glyphs (cross, ring, corner) with a tiny CNN.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 7
torch.manual_seed(SEED)
torch.set_num_threads(1)


def make_glyphs(n, seed):
    g = np.random.default_rng(seed)
    x = g.normal(0, 0.4, size=(n, 1, 12, 12)).astype(np.float32)
    y = g.integers(0, 3, size=n)
    for i in range(n):
        cy, cx = g.integers(3, 9, size=2)
        if y[i] == 0:       # cross
            x[i, 0, cy, cx - 3:cx + 3] += 1.2
            x[i, 0, cy - 3:cy + 3, cx] += 1.2
        elif y[i] == 1:     # ring
            x[i, 0, cy - 2, cx - 2:cx + 3] += 1.2
            x[i, 0, cy + 2, cx - 2:cx + 3] += 1.2
            x[i, 0, cy - 2:cy + 3, cx - 2] += 1.2
            x[i, 0, cy - 2:cy + 3, cx + 2] += 1.2
        else:               # corner
            x[i, 0, cy, cx:cx + 4] += 1.2
            x[i, 0, cy - 3:cy + 1, cx] += 1.2
    return x, y.astype(np.int64)


def train_one_epoch(model, loader, optimizer, loss_fn, scheduler):
    model.train()
    running = 0.0
    for images, targets in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, targets)
        loss.backward()
        scheduler.step()
        running += loss.item()
    return running / len(loader)


def evaluate(model, loader):
    model.eval()
    hits = total = 0
    with torch.no_grad():
        for images, targets in loader:
            preds = model(images).argmax(1)
            hits += (preds == targets).sum().item()
            total += targets.numel()
    return hits / total


def main():
    x_tr, y_tr = make_glyphs(900, seed=1)
    x_va, y_va = make_glyphs(300, seed=2)
    mu, sigma = x_tr.mean(), x_tr.std()
    x_tr = (x_tr - mu) / sigma
    x_va = (x_va - mu) / sigma

    train_dl = DataLoader(TensorDataset(torch.tensor(x_tr), torch.tensor(y_tr)), batch_size=32, shuffle=True)
    val_dl = DataLoader(TensorDataset(torch.tensor(x_va), torch.tensor(y_va)), batch_size=128)

    model = nn.Sequential(
        nn.Conv2d(1, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(12, 24, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(24, 3),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    warmup = 40
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup))
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(8):
        loss = train_one_epoch(model, train_dl, optimizer, loss_fn, scheduler)
        acc = evaluate(model, val_dl)
        print(f"[epoch {epoch + 1}/8] loss={loss:.4f} val_acc={acc:.3f}")
    print("done. validation accuracy:", round(evaluate(model, val_dl), 4))


if __name__ == "__main__":
    main()
