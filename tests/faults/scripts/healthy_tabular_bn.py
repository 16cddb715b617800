"""Breast-cancer classifier with batch norm and dropout, trained with manual batching."""

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(1)
data = load_breast_cancer()
X_train, X_val, y_train, y_val = train_test_split(data.data, data.target, test_size=0.25, random_state=1)
mean, std = X_train.mean(0), X_train.std(0)
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(30, 64)
        self.bn1 = nn.BatchNorm1d(64)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(64, 2)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.bn1(self.fc1(x)))))


model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
batch_size = 32
for epoch in range(12):
    model.train()
    perm = torch.randperm(len(X_train))
    losses = []
    for i in range(0, len(perm), batch_size):
        idx = perm[i:i + batch_size]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = F.cross_entropy(logits, y_val).item()
        acc = (logits.argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch} train {np.mean(losses):.3f} val {val_loss:.3f} acc {acc:.3f}")
