"""Digits classifier with a Trainer class; optimizer settings come from a config dict."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

CONFIG = {"lr": 0.01, "momentum": 0.999, "epochs": 10, "batch_size": 32}


class Trainer:
    def __init__(self, model, config):
        self.model, self.config = model, config
        self.optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"])
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, xb, yb):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def run(self, X, y, X_val, y_val):
        size = self.config["batch_size"]
        for epoch in range(self.config["epochs"]):
            perm = torch.randperm(len(X))
            losses = [self.train_step(X[perm[i:i + size]], y[perm[i:i + size]]) for i in range(0, len(X), size)]
            with torch.no_grad():
                logits = self.model(X_val)
            if epoch % 2 == 1:
                print(f"epoch {epoch + 1}: train {sum(losses) / len(losses):.4f} "
                      f"val {self.criterion(logits, y_val).item():.4f} "
                      f"acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")


torch.manual_seed(98)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=98, stratify=y)
scaler = StandardScaler().fit(X_train)
Trainer(nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)), CONFIG).run(
    torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train),
    torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val))
