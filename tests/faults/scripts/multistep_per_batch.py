"""Digits classifier with a Trainer class and a multi-step learning-rate schedule (decay at epochs 3 and 6)."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Trainer:
    def __init__(self, model):
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        self.scheduler = torch.optim.lr_scheduler.MultiStepLR(self.optimizer, milestones=[3, 6], gamma=0.01)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, xb, yb):
        self.model.train()
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        return (self.model(X).argmax(1) == y).float().mean().item()


torch.manual_seed(94)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=94)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

trainer = Trainer(nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)))
for epoch in range(9):
    perm = torch.randperm(len(X_train))
    losses = [trainer.train_step(X_train[perm[i:i + 32]], y_train[perm[i:i + 32]]) for i in range(0, len(perm), 32)]
    print(f"epoch {epoch}: lr {trainer.scheduler.get_last_lr()[0]:.1e} train {sum(losses) / len(losses):.4f} "
          f"val acc {trainer.evaluate(X_val, y_val):.3f}")
