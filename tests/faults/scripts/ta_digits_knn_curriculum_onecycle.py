"""Curriculum training for sklearn digits.

Difficulty of a training row = share of its 10 nearest neighbours (training split only)
that carry a different label. Training follows a baby-steps curriculum: the pool starts
with the easiest third and grows to the full set; rows are shuffled inside every stage.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.2, random_state=42, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_val = scaler.transform(X_val).astype(np.float32)

nn_index = NearestNeighbors(n_neighbors=11).fit(X_train)
_, neigh = nn_index.kneighbors(X_train)
difficulty = (y_train[neigh[:, 1:]] != y_train[:, None]).mean(axis=1)
difficulty += 1e-3 * np.random.rand(len(difficulty))      # break ties
rank = np.argsort(difficulty)                               # easy -> hard
print(f"difficulty: mean {difficulty.mean():.3f}, share of rows with any disagreeing "
      f"neighbour {(difficulty > 0.01).mean():.3f}")

Xt = torch.from_numpy(X_train)
yt = torch.from_numpy(y_train).long()
Xv = torch.from_numpy(X_val)
yv = torch.from_numpy(y_val).long()

STAGE_POOL = [1 / 3, 2 / 3, 1.0]
EPOCHS_PER_STAGE = [4, 4, 12]
BATCH = 64

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(128, 10),
)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)

steps_total = sum(math.ceil(int(round(p * len(rank))) / BATCH) * e
                  for p, e in zip(STAGE_POOL, EPOCHS_PER_STAGE))
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=3e-3, total_steps=steps_total, pct_start=0.3)


def evaluate(x, y):
    model.eval()
    with torch.no_grad():
        out = model(x)
        return loss_fn(out, y).item(), (out.argmax(1) == y).float().mean().item()


epoch = 0
for pool_share, n_epochs in zip(STAGE_POOL, EPOCHS_PER_STAGE):
    pool = rank[: int(round(pool_share * len(rank)))]
    for _ in range(n_epochs):
        epoch += 1
        model.train()
        order = torch.from_numpy(np.random.permutation(pool))
        total, count = 0.0, 0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(idx)
            count += len(idx)
        val_loss, val_acc = evaluate(Xv, yv)
        print(f"epoch {epoch:2d} pool {len(pool):4d} lr {scheduler.get_last_lr()[0]:.2e} "
              f"train_loss {total / count:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f}")

_, train_acc = evaluate(Xt, yt)
print(f"train acc {train_acc:.4f} | val acc {val_acc:.4f}")
