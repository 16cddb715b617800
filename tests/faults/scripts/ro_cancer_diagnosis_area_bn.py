"""Breast cancer: diagnosis (main task) + worst-area regression (auxiliary).

Inputs are the 20 'mean' and 'error' measurements; the 'worst' columns are
held out and the worst area is used as an auxiliary regression target.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
np.random.seed(42)

ds = load_breast_cancer()
X = ds.data[:, :20].astype(np.float32)
area_worst = np.log(ds.data[:, list(ds.feature_names).index("worst area")]).astype(np.float32)
y = ds.target.astype(np.int64)

X_tr, X_va, a_tr, a_va, y_tr, y_va = train_test_split(
    X, area_worst, y, test_size=0.25, random_state=42, stratify=y)
mean, std = X_tr.mean(0), X_tr.std(0)
X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
a_mean, a_std = a_tr.mean(), a_tr.std()
a_tr, a_va = (a_tr - a_mean) / a_std, (a_va - a_mean) / a_std

train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr), torch.from_numpy(a_tr))
loader = DataLoader(train_ds, batch_size=25, shuffle=True)
Xv, yv, av = map(torch.from_numpy, (X_va, y_va, a_va))


class SharedNet(nn.Module):
    def __init__(self, d_in=20, hidden=64):
        super().__init__()
        self.shared = nn.Sequential(
            nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        )
        self.diagnosis = nn.Linear(hidden, 2)
        self.area = nn.Linear(hidden, 1)

    def forward(self, x):
        z = self.shared(x)
        return {"diagnosis": self.diagnosis(z), "area": self.area(z).squeeze(-1)}


model = SharedNet()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
ce = nn.CrossEntropyLoss()
mse = nn.MSELoss()
aux_weight = 0.3

for epoch in range(25):
    model.train()
    sums = {"diagnosis": 0.0, "area": 0.0}
    for xb, yb, ab in loader:
        optimizer.zero_grad()
        out = model(xb)
        l_diag = ce(out["diagnosis"], yb)
        l_area = mse(out["area"], ab)
        (l_diag + aux_weight * l_area).backward()
        optimizer.step()
        sums["diagnosis"] += l_diag.item() * len(xb)
        sums["area"] += l_area.item() * len(xb)

    model.eval()
    with torch.no_grad():
        out = model(Xv)
        acc = (out["diagnosis"].argmax(1) == yv).float().mean().item()
        area_rmse = torch.sqrt(mse(out["area"], av)).item()
    n = len(train_ds)
    print(f"epoch {epoch + 1:02d} | diag loss {sums['diagnosis'] / n:.4f} | area loss {sums['area'] / n:.4f}"
          f" | val acc {acc:.3f} | val area rmse {area_rmse:.3f}")

print(f"validation accuracy {acc:.3f}")
