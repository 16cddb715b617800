"""GRU next-value forecaster on generated sine waves with exponential learning-rate decay."""

import math

import torch
from torch import nn


def make_waves(n, length, generator):
    phase = torch.rand(n, 1, generator=generator) * 2 * math.pi
    freq = 0.2 + 0.3 * torch.rand(n, 1, generator=generator)
    t = torch.arange(length + 1).float()
    wave = torch.sin(freq * t + phase) + 0.05 * torch.randn(n, length + 1, generator=generator)
    return wave[:, :-1, None], wave[:, -1:]


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1])


g = torch.Generator().manual_seed(32)
torch.manual_seed(32)
X_train, y_train = make_waves(1500, 30, g)
X_val, y_val = make_waves(300, 30, g)
model = Forecaster()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
loss_fn = nn.MSELoss()
for epoch in range(8):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        scheduler.step()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    print(f"epoch {epoch}: lr {optimizer.param_groups[0]['lr']:.2e} train mse {loss.item():.4f} val mse {val:.4f}")
