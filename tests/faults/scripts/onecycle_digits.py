"""Digits MLP with a one-cycle learning-rate policy."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 8

torch.manual_seed(50)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=50, stratify=y)
scaler = StandardScaler().fit(X_train)
train_loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32),
                                        torch.tensor(y_train)), batch_size=64, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=EPOCHS,
                                                steps_per_epoch=len(train_loader))
criterion = nn.CrossEntropyLoss()
for epoch in range(EPOCHS):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: lr {scheduler.get_last_lr()[0]:.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
