"""Fit a noisy 2-D surface z = sin(3x) cos(2y) + noise with a wide SiLU MLP."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)

# ---- synthetic measurements -------------------------------------------------
n_points = 160
X = np.random.uniform(-1.5, 1.5, size=(n_points, 2)).astype(np.float32)
z = (np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1])).astype(np.float32)
z += 0.35 * np.random.randn(n_points).astype(np.float32)

# the sensor logs every reading three times; keep the repeats to enlarge the set
X = np.repeat(X, 3, axis=0)
z = np.repeat(z, 3, axis=0)

perm = np.random.permutation(len(X))
n_val = len(X) // 5
val_idx, train_idx = perm[:n_val], perm[n_val:]
X_train, z_train = X[train_idx], z[train_idx]
X_val, z_val = X[val_idx], z[val_idx]

mu, sd = X_train.mean(0), X_train.std(0)
X_train = (X_train - mu) / sd
X_val = (X_val - mu) / sd

Xtr, ztr = torch.from_numpy(X_train), torch.from_numpy(z_train).unsqueeze(1)
Xva, zva = torch.from_numpy(X_val), torch.from_numpy(z_val).unsqueeze(1)

model = nn.Sequential(
    nn.Linear(2, 160), nn.SiLU(),
    nn.Linear(160, 160), nn.SiLU(),
    nn.Linear(160, 160), nn.SiLU(),
    nn.Linear(160, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.MSELoss()

epochs, bs = 250, 64
for epoch in range(1, epochs + 1):
    model.train()
    order = torch.randperm(len(Xtr))
    running = 0.0
    for i in range(0, len(Xtr), bs):
        idx = order[i:i + bs]
        opt.zero_grad()
        loss = loss_fn(model(Xtr[idx]), ztr[idx])
        loss.backward()
        opt.step()
        running += loss.item() * len(idx)
    if epoch % 25 == 0 or epoch == 1:
        model.eval()
        with torch.no_grad():
            val_mse = loss_fn(model(Xva), zva).item()
        print(f"epoch {epoch:3d}  train mse {running / len(Xtr):.4f}  val mse {val_mse:.4f}")

model.eval()
with torch.no_grad():
    pred = model(Xva)
    val_mse = loss_fn(pred, zva).item()
    r2 = 1 - val_mse / zva.var().item()
print(f"final val mse {val_mse:.4f}  val R^2 {r2:.3f}  (noise floor mse ~ {0.35**2:.4f})")
