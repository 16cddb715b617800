"""Plain supervised baseline on wine: weighted CE, dropout, early stopping on val loss."""
import copy
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)
sc = StandardScaler().fit(X_train)
X_train, X_val = sc.transform(X_train), sc.transform(X_val)

to_t = lambda a, dt=torch.float32: torch.as_tensor(a, dtype=dt)
train_dl = DataLoader(TensorDataset(to_t(X_train), to_t(y_train, torch.long)), batch_size=16, shuffle=True)
Xv, yv = to_t(X_val), to_t(y_val, torch.long)

counts = np.bincount(y_train)
weights = torch.tensor(len(y_train) / (len(counts) * counts), dtype=torch.float32)
print("class weights:", weights.numpy().round(3))

model = nn.Sequential(
    nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(32, 3),
)
criterion = nn.CrossEntropyLoss(weight=weights)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)

best, best_state, patience, bad = float("inf"), None, 8, 0
for epoch in range(100):
    model.train()
    total, n = 0.0, 0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb); n += len(xb)
    model.eval()
    with torch.no_grad():
        out = model(Xv)
        vloss = criterion(out, yv).item()
        vacc = (out.argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch:3d} train {total / n:.4f} val {vloss:.4f} acc {vacc:.3f}")
    if vloss < best - 1e-4:
        best, best_state, bad = vloss, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(Xv).argmax(1)
acc = (pred == yv).float().mean().item()
bal = np.mean([(pred[yv == c] == c).float().mean().item() for c in range(3)])
print(f"best val loss {best:.4f}  val acc {acc:.3f}  balanced acc {bal:.3f}")
