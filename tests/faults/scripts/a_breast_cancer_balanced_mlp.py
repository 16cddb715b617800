import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils import resample

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

data = load_breast_cancer()
X, y = data.data.astype(np.float32), data.target.astype(np.int64)
print("raw class counts:", np.bincount(y))

# upsample the minority class so both classes have the same count
X_min, y_min = X[y == 0], y[y == 0]
X_maj, y_maj = X[y == 1], y[y == 1]
X_up, y_up = resample(X_min, y_min, replace=True, n_samples=len(y_maj), random_state=0)
X = np.vstack([X_maj, X_up])
y = np.concatenate([y_maj, y_up])
print("balanced class counts:", np.bincount(y))

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)

scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_val = scaler.transform(X_val).astype(np.float32)

Xtr, ytr = torch.from_numpy(X_train), torch.from_numpy(y_train)
Xva, yva = torch.from_numpy(X_val), torch.from_numpy(y_val)

model = nn.Sequential(
    nn.Linear(30, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 2),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

bs = 32
n = len(Xtr)
for epoch in range(60):
    model.train()
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        opt.zero_grad()
        loss = loss_fn(model(Xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 10 == 0 or epoch == 59:
        model.eval()
        with torch.no_grad():
            val_logits = model(Xva)
            val_loss = loss_fn(val_logits, yva).item()
            val_acc = (val_logits.argmax(1) == yva).float().mean().item()
        print(f"epoch {epoch:3d} train_loss {total / n:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f}")

model.eval()
with torch.no_grad():
    acc = (model(Xva).argmax(1) == yva).float().mean().item()
print(f"final validation accuracy: {acc:.4f}")
