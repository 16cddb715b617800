"""Wine classifier with a functional train_step."""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def train_step(model, optimizer, xb, yb):
    optimizer.zero_grad()
    probs = F.softmax(model(xb), dim=-1)
    loss = F.cross_entropy(probs, yb)
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, X, y):
    logits = model(X)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


torch.manual_seed(80)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=80, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for epoch in range(20):
    perm = torch.randperm(len(X_train))
    losses = [train_step(model, optimizer, X_train[perm[i:i + 16]], y_train[perm[i:i + 16]])
              for i in range(0, len(perm), 16)]
    if epoch % 4 == 3:
        val_loss, val_acc = evaluate(model, X_val, y_val)
        print(f"epoch {epoch + 1}: train {sum(losses) / len(losses):.4f} val {val_loss:.4f} acc {val_acc:.3f}")
