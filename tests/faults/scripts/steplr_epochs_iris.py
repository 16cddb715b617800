"""Iris classifier with a StepLR schedule (halve the LR every 10 epochs)."""

import argparse

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=40)
parser.add_argument("--lr", type=float, default=0.05)
args = parser.parse_args()

torch.manual_seed(113)
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=113, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
criterion = nn.CrossEntropyLoss()
for epoch in range(args.epochs):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 16):
        idx = perm[i:i + 16]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    scheduler.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: lr {scheduler.get_last_lr()[0]:.4f} val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
