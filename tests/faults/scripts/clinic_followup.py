"""Malignancy classifier trained on the clinic visits export."""

from pathlib import Path

import pandas as pd
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

frame = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "clinic_visits.csv")
X = frame.drop(columns=["malignant"]).to_numpy()
y = frame["malignant"].to_numpy()
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=26, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

torch.manual_seed(26)
model = nn.Sequential(nn.Linear(X_train.shape[1], 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(8):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.4f}")
