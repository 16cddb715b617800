"""Diabetes progression regressor on standardised targets."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Regressor(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
        self.out_act = nn.ReLU()

    def forward(self, x):
        return self.out_act(self.net(x))


torch.manual_seed(39)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=39)
x_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train[:, None])
X_train = torch.tensor(x_scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(x_scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_scaler.transform(y_train[:, None]), dtype=torch.float32)
y_val = torch.tensor(y_scaler.transform(y_val[:, None]), dtype=torch.float32)

model = Regressor(10)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for epoch in range(40):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            pred = model(X_val)
            r2 = 1 - ((pred - y_val) ** 2).sum() / ((y_val - y_val.mean()) ** 2).sum()
        print(f"epoch {epoch + 1}: val mse {loss_fn(pred, y_val).item():.4f} val r2 {r2.item():.3f}")
