"""Wine classifier with a custom clipped activation computed in numpy."""

import numpy as np
import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def clipped_relu(t, ceiling=3.0):
    return torch.from_numpy(np.clip(t.detach().numpy(), 0.0, ceiling))


class ClipNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(13, 4)
        self.fc2 = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc2(clipped_relu(self.fc1(x)))


torch.manual_seed(95)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=95, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = ClipNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(20):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 16):
        idx = perm[i:i + 16]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 4 == 3:
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
