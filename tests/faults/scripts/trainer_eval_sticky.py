"""Wine classifier with batch norm and dropout, trained by a Trainer that validates each epoch."""

import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Trainer:
    def __init__(self, model, lr=3e-3):
        self.model = model
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, xb, yb):
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def validate(self, X, y):
        self.model.eval()
        with torch.no_grad():
            logits = self.model(X)
        return self.criterion(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    def fit(self, X, y, X_val, y_val, epochs=25, batch_size=16):
        self.model.train()
        for epoch in range(epochs):
            perm = torch.randperm(len(X))
            for i in range(0, len(X), batch_size):
                loss = self.train_step(X[perm[i:i + batch_size]], y[perm[i:i + batch_size]])
            val_loss, val_acc = self.validate(X_val, y_val)
            if epoch % 5 == 4:
                print(f"epoch {epoch + 1}: loss {loss:.4f} val loss {val_loss:.4f} val acc {val_acc:.3f}")


torch.manual_seed(82)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=82, stratify=y)
scaler = StandardScaler().fit(X_train)
model = nn.Sequential(nn.Linear(13, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 3))
Trainer(model).fit(torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train),
                   torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val))
