"""Regress the period of a large-amplitude pendulum from (length, g, amplitude, bob mass)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
rng = np.random.default_rng(1)

n = 2000
length = rng.uniform(0.05, 3.0, n)      # m
g = rng.uniform(1.6, 25.0, n)            # m/s^2 (moon .. jupiter)
theta0 = rng.uniform(0.05, 1.4, n)       # rad
mass = rng.uniform(0.05, 20.0, n)        # kg, physically irrelevant
period = 2 * np.pi * np.sqrt(length / g) * (1 + theta0**2 / 16 + 11 * theta0**4 / 3072)
period *= 1 + 0.01 * rng.standard_normal(n)

X = np.stack([length, g, theta0, mass], axis=1)
y = period[:, None]

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=1)

# positive physical quantities span decades -> work in log space
x_scaler = StandardScaler().fit(np.log(X_train))
y_scaler = StandardScaler().fit(np.log(y_train))
Xtr = torch.tensor(x_scaler.transform(np.log(X_train)), dtype=torch.float32)
Xva = torch.tensor(x_scaler.transform(X_val), dtype=torch.float32)
ytr = torch.tensor(y_scaler.transform(np.log(y_train)), dtype=torch.float32)


class PeriodNet(nn.Module):
    def __init__(self, d_in=4, width=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, width), nn.Tanh(),
            nn.Linear(width, width), nn.Tanh(),
            nn.Linear(width, 1),
        )

    def forward(self, x):
        return self.body(x)


def to_seconds(pred_scaled):
    return np.exp(y_scaler.inverse_transform(pred_scaled))


model = PeriodNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=60)
loss_fn = nn.MSELoss()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr), batch_size=64, shuffle=True)

for epoch in range(60):
    model.train()
    tot = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    sched.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            T_pred = to_seconds(model(Xva).numpy())
        rel = np.mean(np.abs(T_pred - y_val) / y_val)
        print(f"epoch {epoch + 1:2d}  train loss {tot / len(Xtr):.5f}  val mean rel err {rel * 100:.2f}%")

model.eval()
with torch.no_grad():
    T_pred = to_seconds(model(Xva).numpy())
rel = np.mean(np.abs(T_pred - y_val) / y_val)
r2 = 1 - np.sum((T_pred - y_val) ** 2) / np.sum((y_val - y_val.mean()) ** 2)
print(f"validation: mean relative error {rel * 100:.2f}%   R^2 {r2:.4f}")
