"""LSTM forecaster for generated sine waves, trained for a fixed number of steps."""

import math

import torch
from torch import nn

STEPS = 30


def make_waves(n, length, generator):
    phase = torch.rand(n, 1, generator=generator) * 2 * math.pi
    freq = 0.2 + 0.3 * torch.rand(n, 1, generator=generator)
    t = torch.arange(length + 1).float()
    wave = torch.sin(freq * t + phase) + 0.05 * torch.randn(n, length + 1, generator=generator)
    return wave[:, :-1, None], wave[:, -1:]


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        seq, _ = self.lstm(x)
        return self.out(seq[:, -1])


g = torch.Generator().manual_seed(106)
torch.manual_seed(106)
X_train, y_train = make_waves(2000, 30, g)
X_val, y_val = make_waves(400, 30, g)
model = Forecaster()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for step in range(STEPS):
    idx = torch.randint(0, len(X_train), (64,))
    optimizer.zero_grad()
    loss = loss_fn(model(X_train[idx]), y_train[idx])
    loss.backward()
    optimizer.step()
    if step % 5 == 4:
        with torch.no_grad():
            val = loss_fn(model(X_val), y_val).item()
        print(f"step {step + 1}: train mse {loss.item():.4f} val mse {val:.4f}")
print("done")
