"""Supervised baseline (non-episodic) for comparison with the few-shot learners:
8-class synthetic tabular data, MLP, Adam, batch 64."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

torch.manual_seed(21)
np.random.seed(21)

X, y = make_classification(n_samples=900, n_features=24, n_informative=10, n_redundant=4,
                           n_classes=8, n_clusters_per_class=1, flip_y=0.05,
                           class_sep=1.5, random_state=21)
idx = np.random.permutation(len(y))
n_val = 270
val_rows = idx[:n_val]
train_rows = np.concatenate([idx[n_val:], idx[: n_val // 2 * 2]])

scaler = StandardScaler().fit(X[train_rows])
Xtr = torch.tensor(scaler.transform(X[train_rows]), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(X[val_rows]), dtype=torch.float32)
ytr = torch.tensor(y[train_rows])
yva = torch.tensor(y[val_rows])
print(f"train rows {len(ytr)}  val rows {len(yva)}")

model = nn.Sequential(nn.Linear(24, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 8))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()

BATCH = 64
for epoch in range(30):
    model.train()
    perm = torch.randperm(len(ytr))
    tot = 0.0
    for i in range(0, len(perm), BATCH):
        b = perm[i:i + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            tr_acc = (model(Xtr).argmax(1) == ytr).float().mean().item()
            va_out = model(Xva)
            va_loss = loss_fn(va_out, yva).item()
            va_acc = (va_out.argmax(1) == yva).float().mean().item()
        print(f"epoch {epoch + 1:3d} train loss {tot / len(ytr):.4f} train acc {tr_acc:.3f} "
              f"val loss {va_loss:.4f} val acc {va_acc:.3f}")

print(f"final validation accuracy: {va_acc:.3f}")
