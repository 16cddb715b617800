"""Digits classifier with sigmoid hidden units and a normal weight initialisation."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class SigmoidNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(64, 64)
        self.hidden2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 10)
        for layer in (self.hidden1, self.hidden2):
            nn.init.normal_(layer.weight, mean=0.0, std=8.0)
            nn.init.normal_(layer.bias, mean=0.0, std=8.0)

    def forward(self, x):
        x = torch.sigmoid(self.hidden1(x))
        x = torch.sigmoid(self.hidden2(x))
        return self.out(x)


torch.manual_seed(6)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=6, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = SigmoidNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(10):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 2 == 1:
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: val loss {criterion(logits, y_val).item():.3f} "
              f"acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
