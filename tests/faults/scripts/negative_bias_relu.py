"""Breast-cancer classifier with a Dataset class and hidden biases started at a fixed value."""

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Tumours(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(30, 64), nn.Linear(64, 64), nn.Linear(64, 2)
        for layer in (self.fc1, self.fc2):
            nn.init.constant_(layer.bias, -4.0)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=73, stratify=y)
scaler = StandardScaler().fit(X_train)
train_loader = DataLoader(Tumours(scaler.transform(X_train), y_train), batch_size=32, shuffle=True)
val_loader = DataLoader(Tumours(scaler.transform(X_val), y_val), batch_size=200)

torch.manual_seed(73)
model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
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
        xb, yb = next(iter(val_loader))
        logits = model(xb)
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(logits.argmax(1) == yb).float().mean().item():.3f}")
