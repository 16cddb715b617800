"""Digits CNN (8x8 images) ending in a probability layer."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(19)
digits = load_digits()
X = digits.images[:, None] / 16.0
X_train, X_val, y_train, y_val = train_test_split(X, digits.target, test_size=0.25, random_state=19)
train_loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                          batch_size=32, shuffle=True)
X_val, y_val = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
    nn.Softmax(dim=1),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        probs = model(X_val)
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(probs.argmax(1) == y_val).float().mean().item():.3f}")
