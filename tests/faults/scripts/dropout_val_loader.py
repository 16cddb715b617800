"""Digits MLP with heavy dropout; validation loss tracked through a DataLoader."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def loaders(batch_size=64):
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=22, stratify=y)
    scaler = StandardScaler().fit(X_train)
    train = TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train))
    val = TensorDataset(torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val))
    return DataLoader(train, batch_size=batch_size, shuffle=True), DataLoader(val, batch_size=batch_size)


torch.manual_seed(22)
train_loader, val_loader = loaders()
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.6), nn.Linear(256, 256), nn.ReLU(),
                      nn.Dropout(0.6), nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    val_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = model(xb)
            val_loss += criterion(logits, yb).item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            seen += len(yb)
    print(f"epoch {epoch}: val loss {val_loss / seen:.4f} val acc {correct / seen:.3f}")
