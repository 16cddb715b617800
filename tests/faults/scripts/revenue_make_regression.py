"""Store revenue forecaster (revenue in dollars) organised as a Trainer class."""

import torch
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Trainer:
    def __init__(self, model, lr=1e-3):
        self.model = model
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        self.loss_fn = nn.MSELoss()

    def train_step(self, xb, yb):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def r2(self, X, y):
        pred = self.model(X)
        return 1 - (((pred - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()).item()


X, y = make_regression(n_samples=1500, n_features=12, n_informative=8, noise=10.0, random_state=41)
revenue = 250_000 + 900 * y
X_train, X_val, y_train, y_val = train_test_split(X, revenue, test_size=0.2, random_state=41)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
y_val = torch.tensor(y_val, dtype=torch.float32).unsqueeze(1)

torch.manual_seed(41)
trainer = Trainer(nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 1)))
for epoch in range(12):
    perm = torch.randperm(len(X_train))
    losses = [trainer.train_step(X_train[perm[i:i + 32]], y_train[perm[i:i + 32]]) for i in range(0, len(perm), 32)]
    print(f"epoch {epoch}: train mse {sum(losses) / len(losses):.4g} val r2 {trainer.r2(X_val, y_val):.3f}")
