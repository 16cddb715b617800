"""Digits network with batch norm; validation runs in small batches of four."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class BNNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.bn1 = nn.Linear(64, 128), nn.BatchNorm1d(128)
        self.fc2, self.bn2 = nn.Linear(128, 64), nn.BatchNorm1d(64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.fc1(x)))
        x = torch.relu(self.bn2(self.fc2(x)))
        return self.out(x)


def validate(model, X, y, criterion, batch_size=4):
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(X), batch_size):
            logits = model(X[i:i + batch_size])
            total_loss += criterion(logits, y[i:i + batch_size]).item() * len(logits)
            correct += (logits.argmax(1) == y[i:i + batch_size]).sum().item()
    return total_loss / len(X), correct / len(X)


torch.manual_seed(83)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=83)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = BNNet()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    val_loss, val_acc = validate(model, X_val, y_val, criterion)
    print(f"epoch {epoch}: train loss {loss.item():.4f} val loss {val_loss:.4f} val acc {val_acc:.3f}")
