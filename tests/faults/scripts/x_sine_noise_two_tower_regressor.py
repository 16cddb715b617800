"""Two-tower heteroscedastic regressor on a synthetic 1-D signal.

One tower models the conditional mean, the other the conditional noise level;
both are trained jointly with nn.GaussianNLLLoss.
"""
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
torch.manual_seed(0)
torch.set_num_threads(1)


def make_data(n):
    x = rng.uniform(-3.0, 3.0, size=(n, 1))
    noise_sd = 0.05 + 0.6 * np.abs(x)            # noise grows away from the origin
    y = np.sin(1.5 * x) + noise_sd * rng.standard_normal((n, 1))
    return x.astype(np.float32), y.astype(np.float32)


x_train, y_train = make_data(2000)
x_valid, y_valid = make_data(500)
mu_x, sd_x = x_train.mean(0), x_train.std(0)
x_train = (x_train - mu_x) / sd_x
x_valid = (x_valid - mu_x) / sd_x

x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
x_valid, y_valid = torch.from_numpy(x_valid), torch.from_numpy(y_valid)


def tower(width=64):
    return nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(), nn.Linear(width, 1))


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.mean_tower = tower()
        self.scale_tower = tower()

    def forward(self, x):
        mean = self.mean_tower(x)
        var = nn.functional.softplus(self.scale_tower(x)) + 1e-4
        return mean, var


model = TwoTower()
optimizer = torch.optim.Adam(
    [{"params": model.mean_tower.parameters(), "lr": 3e-3}],
    lr=3e-3,
)
criterion = nn.GaussianNLLLoss()

BATCH = 100
EPOCHS = 60
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(x_train))
    epoch_loss = 0.0
    for start in range(0, len(order), BATCH):
        idx = order[start:start + BATCH]
        mean, var = model(x_train[idx])
        loss = criterion(mean, y_train[idx], var)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(idx)

    if (epoch + 1) % 10 == 0:
        model.eval()
        with torch.no_grad():
            mean, var = model(x_valid)
            val_nll = criterion(mean, y_valid, var).item()
            mse = nn.functional.mse_loss(mean, y_valid).item()
        print(f"[{epoch + 1:3d}/{EPOCHS}] train nll={epoch_loss / len(x_train):.4f}  val nll={val_nll:.4f}  val mse={mse:.4f}")

model.eval()
with torch.no_grad():
    mean, var = model(x_valid)
    z = (y_valid - mean).abs() / var.sqrt()
    coverage = (z < 1.645).float().mean().item()
    sharp = var.sqrt().mean().item()
print(f"validation 90% interval coverage: {coverage:.3f} (target 0.90), mean predicted sd: {sharp:.3f}")
