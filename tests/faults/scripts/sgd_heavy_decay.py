"""Breast-cancer classifier regularised with L2 weight decay."""

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(35)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=35, stratify=y)
scaler = StandardScaler().fit(X_train)
train_loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32),
                                        torch.tensor(y_train)), batch_size=32, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0.5)
criterion = nn.CrossEntropyLoss()
for epoch in range(10):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        weight_norm = sum(p.norm() ** 2 for p in model.parameters()).sqrt().item()
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f} "
          f"|w| {weight_norm:.3f}")
