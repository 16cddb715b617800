"""Iris classifier with a Dataset class that applies an optional feature transform."""

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Standardize:
    def __init__(self, X):
        self.mean, self.std = X.mean(0), X.std(0)

    def __call__(self, x):
        return (x - self.mean) / self.std


class IrisDataset(Dataset):
    def __init__(self, X, y, transform=None):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y)
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        x = self.X[i]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y[i]


X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=29, stratify=y)
transform = Standardize(torch.tensor(X_train, dtype=torch.float32))
train_ds = IrisDataset(X_train, y_train, transform=transform)
val_ds = IrisDataset(X_val, y_val)
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=64)

torch.manual_seed(29)
model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
for epoch in range(20):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(val_loader))
        logits = model(xb)
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: train loss {loss.item():.3f} val loss {criterion(logits, yb).item():.3f} "
              f"val acc {(logits.argmax(1) == yb).float().mean().item():.3f}")
