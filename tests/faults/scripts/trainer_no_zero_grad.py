"""Digits classifier organised as a Trainer with train_step and evaluate."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Trainer:
    def __init__(self, model, optimizer, criterion):
        self.model, self.optimizer, self.criterion = model, optimizer, criterion
        self.steps = 0

    def train_step(self, xb, yb):
        self.model.train()
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        self.steps += 1
        return loss.item()

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        logits = self.model(X)
        return self.criterion(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


torch.manual_seed(77)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=77)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
trainer = Trainer(model, torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9), nn.CrossEntropyLoss())
for epoch in range(5):
    perm = torch.randperm(len(X_train))
    losses = [trainer.train_step(X_train[perm[i:i + 32]], y_train[perm[i:i + 32]]) for i in range(0, len(perm), 32)]
    val_loss, val_acc = trainer.evaluate(X_val, y_val)
    print(f"epoch {epoch}: steps {trainer.steps} train {sum(losses) / len(losses):.3f} val {val_loss:.3f} acc {val_acc:.3f}")
