# Random Fourier feature regression on a generated 3-D response surface.
# The learned model (trainable frequencies + linear readout) is compared
# against closed-form ridge regression on fixed random features.
import math
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
torch.set_num_threads(1)
np.random.seed(7)

N_TRAIN, N_VAL, D = 1500, 500, 3
N_FEAT = 128


def make_surface(n, gen):
    x = torch.rand(n, D, generator=gen) * 4 - 2
    y = torch.sin(1.5 * x[:, 0]) * torch.cos(x[:, 1]) + 0.5 * x[:, 2] ** 2 - 0.3 * x[:, 0] * x[:, 2]
    return x, y + 0.05 * torch.randn(n, generator=gen)


g = torch.Generator().manual_seed(11)
X_all, y_all = make_surface(N_TRAIN + N_VAL, g)
X_tr, y_tr = X_all[:N_TRAIN], y_all[:N_TRAIN]
X_va, y_va = X_all[N_TRAIN:], y_all[N_TRAIN:]

mean, std = X_tr.mean(0), X_tr.std(0)
X_tr = (X_tr - mean) / std
X_va = (X_va - mean) / std


class FourierRegressor(nn.Module):
    def __init__(self, d, m, lengthscale=1.0):
        super().__init__()
        self.W = nn.Parameter(torch.randn(d, m) / lengthscale)
        self.phase = nn.Parameter(torch.rand(m) * 2 * math.pi)
        self.readout = nn.Linear(m, 1)
        self.scale = math.sqrt(2.0 / m)

    def features(self, x):
        return self.scale * torch.cos(torch.einsum("nd,dm->nm", x, self.W) + self.phase)

    def forward(self, x):
        return self.readout(self.features(x))


def r2(pred, target):
    return 1 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


# ---- closed-form ridge on fixed random features ----
with torch.no_grad():
    ref = FourierRegressor(D, N_FEAT)
    Phi = ref.features(X_tr)
    Phi_v = ref.features(X_va)
    lam = 1e-3
    A = Phi.T @ Phi + lam * torch.eye(N_FEAT)
    beta = torch.linalg.solve(A, Phi.T @ (y_tr - y_tr.mean()))
    ridge_pred = Phi_v @ beta + y_tr.mean()
print(f"ridge (fixed RFF)  val R2: {r2(ridge_pred, y_va):.4f}")

# ---- trained model ----
model = FourierRegressor(D, N_FEAT)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.MSELoss()
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.5)

BATCH = 64
for epoch in range(30):
    model.train()
    order = torch.randperm(N_TRAIN)
    running = 0.0
    for start in range(0, N_TRAIN, BATCH):
        idx = order[start:start + BATCH]
        optimizer.zero_grad()
        pred = model(X_tr[idx])
        loss = criterion(pred, y_tr[idx])
        loss.backward()
        optimizer.step()
        running += loss.item() * len(idx)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        val_pred = model(X_va).squeeze(1)
        val_mse = ((val_pred - y_va) ** 2).mean().item()
    if epoch % 5 == 0 or epoch == 29:
        print(f"epoch {epoch:02d} | train loss {running / N_TRAIN:.4f} | val mse {val_mse:.4f} | val R2 {r2(val_pred, y_va):.4f}")

model.eval()
with torch.no_grad():
    final = model(X_va).squeeze(1)
print(f"trained RFF model  val R2: {r2(final, y_va):.4f}")
