"""Approximate f(x, y) = sin(pi x) * exp(-y^2) + 0.5 cos(2 pi y) with a SiLU MLP."""
import numpy as np
import torch
from torch import nn

torch.manual_seed(5)
g = np.random.default_rng(5)


def target(p):
    return np.sin(np.pi * p[:, 0]) * np.exp(-p[:, 1] ** 2) + 0.5 * np.cos(2 * np.pi * p[:, 1])


P_train = g.uniform(-1, 1, size=(4000, 2))
P_val = g.uniform(-1, 1, size=(800, 2))
Xtr = torch.tensor(P_train, dtype=torch.float32)
Xva = torch.tensor(P_val, dtype=torch.float32)
ytr = torch.tensor(target(P_train), dtype=torch.float32).unsqueeze(-1)
yva = torch.tensor(target(P_val), dtype=torch.float32).unsqueeze(-1)

net = nn.Sequential(
    nn.Linear(2, 96), nn.SiLU(),
    nn.Linear(96, 96), nn.SiLU(),
    nn.Linear(96, 96), nn.SiLU(),
    nn.Linear(96, 1),
)

EPOCHS = 30
BATCH = 128
optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
mse = nn.MSELoss()

ds = torch.utils.data.TensorDataset(Xtr, ytr)
dl = torch.utils.data.DataLoader(ds, batch_size=BATCH, shuffle=True)

for ep in range(EPOCHS):
    net.train()
    acc_loss, nb = 0.0, 0
    for xb, yb in dl:
        optimizer.zero_grad()
        loss = mse(net(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        acc_loss += loss.item()
        nb += 1
    net.eval()
    with torch.no_grad():
        v = mse(net(Xva), yva).item()
    if ep % 4 == 3 or ep == 0:
        print(f"[{ep + 1:02d}/{EPOCHS}] lr={optimizer.param_groups[0]['lr']:.2e} train={acc_loss / nb:.5f} val={v:.5f}")

with torch.no_grad():
    rmse = torch.sqrt(mse(net(Xva), yva)).item()
print(f"val RMSE {rmse:.4f}  (target std {yva.std().item():.3f})")
