"""Handwritten digits (8x8) classifier, SGD with per-module parameter groups."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(42)
np.random.seed(42)

digits = load_digits()
Xa, Xb, ya, yb = train_test_split(digits.data.astype(np.float32), digits.target, test_size=0.3,
                                  stratify=digits.target, random_state=42)
mu, sigma = Xa.mean(0), Xa.std(0) + 1.0
Xa, Xb = (Xa - mu) / sigma, (Xb - mu) / sigma
Xa, Xb = torch.tensor(Xa), torch.tensor(Xb)
ya, yb = torch.tensor(ya), torch.tensor(yb)


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(64, 16)
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(16, 64), nn.ReLU())
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(self.body(self.stem(x)))


net = DigitNet()
base_lr = 0.05
optimizer = torch.optim.SGD([
    {"params": net.stem.parameters(), "lr": base_lr * 1e-3},
    {"params": net.body.parameters()},
    {"params": net.classifier.parameters()},
], lr=base_lr, momentum=0.9, nesterov=True, weight_decay=5e-4)

BATCH, EPOCHS = 64, 25
for epoch in range(EPOCHS):
    net.train()
    order = torch.randperm(len(Xa))
    total, correct = 0.0, 0
    for k in range(0, len(order), BATCH):
        idx = order[k:k + BATCH]
        logits = net(Xa[idx])
        loss = F.cross_entropy(logits, ya[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
        correct += (logits.argmax(1) == ya[idx]).sum().item()
    net.eval()
    with torch.no_grad():
        val_acc = (net(Xb).argmax(1) == yb).float().mean().item()
    if epoch % 5 == 4 or epoch == 0:
        print(f"epoch {epoch + 1:2d}: loss {total / len(Xa):.4f}  train acc {correct / len(Xa):.3f}  val acc {val_acc:.3f}")

print(f"validation accuracy: {val_acc:.4f}")
