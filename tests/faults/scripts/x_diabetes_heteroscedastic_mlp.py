# Heteroscedastic regression on the diabetes data: the network predicts a mean and a
# log-variance per patient and is fitted with a Gaussian negative log-likelihood.
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

SEED = 11
torch.manual_seed(SEED)
np.random.seed(SEED)

X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=SEED)

x_mean, x_std = X_train.mean(axis=0), X_train.std(axis=0)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = (X_train - x_mean) / x_std
X_val = (X_val - x_mean) / x_std
y_train = (y_train - y_mean) / y_std
y_val = (y_val - y_mean) / y_std

X_train = torch.tensor(X_train, dtype=torch.float32)
X_val = torch.tensor(X_val, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)


class MeanVarianceNet(nn.Module):
    def __init__(self, d_in, hidden=64):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.mean = nn.Linear(hidden, 1)
        self.log_var = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.mean(h).squeeze(-1), self.log_var(h).squeeze(-1)


def gaussian_nll(mu, log_var, target):
    return 0.5 * (log_var + (target - mu) ** 2 / log_var.exp() + math.log(2 * math.pi)).mean()


model = MeanVarianceNet(X_train.shape[1])
optimizer = torch.optim.SGD(model.parameters(), lr=0.8, momentum=0.9)

loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, y_train), batch_size=32, shuffle=True
)

for epoch in range(1, 61):
    model.train()
    running, count = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        mu, log_var = model(xb)
        loss = gaussian_nll(mu, log_var, yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * xb.shape[0]
        count += xb.shape[0]

    model.eval()
    with torch.no_grad():
        mu, log_var = model(X_val)
        val_nll = gaussian_nll(mu, log_var, y_val).item()
        rmse = ((mu - y_val) ** 2).mean().sqrt().item() * y_std
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:02d} | train nll {running / count:9.4f} | val nll {val_nll:9.4f} | val rmse {rmse:8.2f}")

with torch.no_grad():
    mu, log_var = model(X_val)
    sigma = log_var.mul(0.5).exp()
    inside = ((y_val - mu).abs() <= 1.96 * sigma).float().mean().item()
print(f"final val rmse {((mu - y_val) ** 2).mean().sqrt().item() * y_std:.2f}  95% interval coverage {inside:.3f}")
