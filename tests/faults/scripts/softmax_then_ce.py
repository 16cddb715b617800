"""Digits classifier; the network returns class probabilities."""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(64, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        return F.softmax(self.out(F.relu(self.hidden(x))), dim=1)


model = Classifier()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for epoch in range(4):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        probs = model(X_train[idx])
        loss = criterion(probs, y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        acc = (model(X_val).argmax(1) == y_val).float().mean()
    print(f"epoch {epoch} loss {loss.item():.3f} val acc {acc:.3f}")
