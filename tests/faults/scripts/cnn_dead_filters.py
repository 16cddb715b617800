"""Digits CNN (8x8 images) with its convolution biases initialised to a fixed offset."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(12)
digits = load_digits()
images = digits.images[:, None] / 16.0
X_train, X_val, y_train, y_val = train_test_split(images, digits.target, test_size=0.2, random_state=12)
mean, std = X_train.mean(), X_train.std()
X_train, X_val = (X_train - mean) / std, (X_val - mean) / std
train_loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                          batch_size=32, shuffle=True)
X_val, y_val = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10),
)
for layer in model:
    if isinstance(layer, nn.Conv2d):
        nn.init.constant_(layer.bias, -3.0)

optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
