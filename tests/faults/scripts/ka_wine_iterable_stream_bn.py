import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, IterableDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)


class WineStream(IterableDataset):
    """Endless-looking stream of wine rows with small sensor jitter."""

    def __init__(self, X, y, n_rows, noise=0.15, seed=0):
        self.X, self.y = X, y
        self.n_rows = n_rows
        self.noise = noise
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        for _ in range(self.n_rows):
            i = rng.integers(len(self.X))
            x = self.X[i] + self.noise * rng.standard_normal(self.X.shape[1]).astype(np.float32)
            yield torch.from_numpy(x), int(self.y[i])


X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_tr)
X_tr = scaler.transform(X_tr).astype(np.float32)
X_va = scaler.transform(X_va).astype(np.float32)

net = nn.Sequential(
    nn.Linear(13, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(64, 3),
)
optimizer = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)
criterion = nn.CrossEntropyLoss()

loader = DataLoader(WineStream(X_tr, y_tr, n_rows=16 * 600), batch_size=16)
val_x, val_y = torch.from_numpy(X_va), torch.from_numpy(y_va).long()


def validate(chunk=6):
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for i in range(0, len(val_x), chunk):
            xb, yb = val_x[i:i + chunk], val_y[i:i + chunk]
            out = net(xb)
            loss_sum += criterion(out, yb).item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
    return loss_sum / len(val_x), correct / len(val_x)


history = []
net.train()
seen_loss = []
for it, (xb, yb) in enumerate(loader, start=1):
    optimizer.zero_grad()
    loss = criterion(net(xb), yb)
    loss.backward()
    optimizer.step()
    seen_loss.append(loss.item())
    if it % 50 == 0:
        vl, va = validate()
        history.append(va)
        print(f"batch {it:4d}  stream loss {np.mean(seen_loss):.4f}  window val loss {vl:.4f}  acc {va:.3f}")
        seen_loss = []
        net.train()

print(f"final window accuracy {history[-1]:.3f}  (mean of last 4 checks {np.mean(history[-4:]):.3f})")
