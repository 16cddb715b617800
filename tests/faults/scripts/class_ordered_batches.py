"""Digits classifier; the training arrays are assembled class by class."""

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

# gather the training images digit by digit
X_train = np.concatenate([X_train[y_train == d] for d in range(10)])
y_train = np.concatenate([y_train[y_train == d] for d in range(10)])
X_train, y_train = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
X_val, y_val = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(4):
    for i in range(0, len(X_train), 32):
        optimizer.zero_grad()
        loss = criterion(model(X_train[i:i + 32]), y_train[i:i + 32])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        val_loss = criterion(model(X_val), y_val)
        acc = (model(X_val).argmax(1) == y_val).float().mean()
    print(epoch, round(val_loss.item(), 3), round(acc.item(), 3))
