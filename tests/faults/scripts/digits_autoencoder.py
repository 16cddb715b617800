"""Autoencoder compressing 8x8 digit images to a 12-number code; reports reconstruction error."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn


class AutoEncoder(nn.Module):
    def __init__(self, code=12):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, code))
        self.decoder = nn.Sequential(nn.Linear(code, 48), nn.ReLU(), nn.Linear(48, 64), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


torch.manual_seed(116)
X = load_digits().data / 16.0
X_train, X_val = train_test_split(X, test_size=0.2, random_state=116)
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
baseline = ((X_val - X_train.mean(0)) ** 2).mean().item()

model = AutoEncoder()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for epoch in range(30):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        batch = X_train[perm[i:i + 64]]
        optimizer.zero_grad()
        loss = loss_fn(model(batch), batch)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            val = loss_fn(model(X_val), X_val).item()
        print(f"epoch {epoch + 1}: train mse {loss.item():.4f} val mse {val:.4f} (mean-image baseline {baseline:.4f})")
