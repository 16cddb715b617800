"""Digits CNN (8x8 images); each pixel position is standardised for training."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(F.max_pool2d(F.relu(self.conv(x)), 2).flatten(1))


torch.manual_seed(91)
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1)
labels = torch.tensor(digits.target)
train_idx, val_idx = train_test_split(torch.arange(len(labels)), test_size=0.2, random_state=91)
pixel_mean = images[train_idx].mean(0)
pixel_std = images[train_idx].std(0).clamp(min=1.0)
X_train, y_train = (images[train_idx] - pixel_mean) / pixel_std, labels[train_idx]
X_val, y_val = images[val_idx], labels[val_idx]

model = SmallCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
for epoch in range(6):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: train loss {loss.item():.4f} val loss {F.cross_entropy(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
