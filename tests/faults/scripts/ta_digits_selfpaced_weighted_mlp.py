"""Self-paced MLP on sklearn digits with noisy training labels.

Each mini-batch gets soft self-paced weights: rows whose loss is above the
current pace threshold are down-weighted, and the threshold grows every epoch
so harder rows are admitted later.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

NOISE_RATE = 0.2
BATCH = 64
EPOCHS = 25

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=SEED
)
scaler = StandardScaler().fit(X_tr)
X_tr = scaler.transform(X_tr).astype(np.float32)
X_va = scaler.transform(X_va).astype(np.float32)

# symmetric label noise, training split only
rng = np.random.default_rng(SEED)
y_noisy = y_tr.copy()
flip = rng.random(len(y_noisy)) < NOISE_RATE
y_noisy[flip] = rng.integers(0, 10, flip.sum())
print(f"train rows {len(y_tr)}, flipped {flip.sum()} labels ({(y_noisy != y_tr).mean():.2%} wrong)")

Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_noisy).long()
Xv, yv = torch.from_numpy(X_va), torch.from_numpy(y_va).long()


class MLP(nn.Module):
    def __init__(self, d_in=64, hidden=128, n_classes=10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.head(self.body(x))


def pace_weights(losses, lam):
    # linear soft self-paced regulariser: w = max(0, 1 - l / lam)
    return torch.clamp(1.0 - losses / lam, min=0.0)


model = MLP()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

lam = 3.0
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xt))
    running, seen, kept = 0.0, 0, 0.0
    for i in range(0, len(perm), BATCH):
        idx = perm[i:i + BATCH]
        logits = model(Xt[idx])
        per_row = F.cross_entropy(logits, yt[idx], reduction="none")
        with torch.no_grad():
            w = pace_weights(per_row.detach(), lam)
        loss = (w * per_row).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += per_row.mean().item() * len(idx)
        seen += len(idx)
        kept += (w > 0).float().sum().item()
    lam *= 1.15

    model.eval()
    with torch.no_grad():
        v_logits = model(Xv)
        v_loss = F.cross_entropy(v_logits, yv).item()
        v_acc = (v_logits.argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train_ce {running / seen:.4f}  kept {kept / seen:.2f}  "
          f"lam {lam:.2f}  val_loss {v_loss:.4f}  val_acc {v_acc:.4f}")

print(f"final validation accuracy: {v_acc:.4f}")
