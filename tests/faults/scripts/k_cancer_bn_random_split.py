import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(0)
torch.set_num_threads(1)

raw = load_breast_cancer()
features = torch.tensor(raw.data, dtype=torch.float32)
targets = torch.tensor(raw.target, dtype=torch.float32)


class Scale:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return (x - self.mean) / self.std


class CancerRows(Dataset):
    def __init__(self, X, y, transform=None):
        self.X, self.y, self.transform = X, y, transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        x = self.X[i]
        return (self.transform(x) if self.transform else x), self.y[i]


split = random_split(range(len(targets)), [0.9, 0.1], generator=torch.Generator().manual_seed(1))
train_rows, val_rows = list(split[0]), list(split[1])
print(f"train rows {len(train_rows)}, val rows {len(val_rows)}")

scale = Scale(features[train_rows].mean(0), features[train_rows].std(0))
train_ds = CancerRows(features[train_rows], targets[train_rows], scale)
val_ds = CancerRows(features[val_rows], targets[val_rows], scale)

train_loader = DataLoader(train_ds, batch_size=64, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=64)

model = nn.Sequential(
    nn.Linear(30, 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
    nn.Linear(32, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.BCEWithLogitsLoss()

for epoch in range(20):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = crit(model(xb).squeeze(1), yb)
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(yb)
    model.eval()
    hits = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            hits += ((model(xb).squeeze(1) > 0).float() == yb).sum().item()
    print(f"epoch {epoch + 1:2d}: loss {epoch_loss / len(train_ds):.4f}  val_acc {hits / len(val_ds):.3f}")
