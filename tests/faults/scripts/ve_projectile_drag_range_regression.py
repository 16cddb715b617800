# Range of a projectile with quadratic air drag, from launch settings.
# Field campaign (simulated): each launcher setting is fired several times;
# the measured range varies with gusts, and the true muzzle speed of a
# setting differs from its nominal value (calibration error). Forward-Euler integration of
#   dv/dt = -g e_y - (k/m)|v| v
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

np.random.seed(0)
torch.manual_seed(0)
torch.set_num_threads(1)
g = 9.81


def fly(angle_deg, speed, k_over_m, wind, dt=0.005):
    a = np.deg2rad(angle_deg)
    vx, vy = speed * np.cos(a), speed * np.sin(a)
    x = np.zeros_like(vx); y = np.zeros_like(vx)
    alive = np.ones_like(vx, dtype=bool)
    while alive.any():
        rvx = vx - wind
        sp = np.sqrt(rvx ** 2 + vy ** 2)
        ax = -k_over_m * sp * rvx
        ay = -g - k_over_m * sp * vy
        x = np.where(alive, x + dt * vx, x); y = np.where(alive, y + dt * vy, y)
        vx = np.where(alive, vx + dt * ax, vx); vy = np.where(alive, vy + dt * ay, vy)
        alive &= y >= 0
    return x


n_settings, shots = 120, 5
settings = np.column_stack([
    np.random.uniform(15, 75, n_settings),      # launch angle [deg]
    np.random.uniform(10, 40, n_settings),      # nominal muzzle speed [m/s]
    np.random.uniform(0.002, 0.05, n_settings), # drag k/m [1/m]
])
calib = 1.0 + 0.08 * np.random.randn(n_settings)   # actual / nominal speed
X = np.repeat(settings, shots, axis=0)
true_speed = X[:, 1] * np.repeat(calib, shots)
wind = np.random.normal(0.0, 0.5, len(X))
y = fly(X[:, 0], true_speed, X[:, 2], wind)
print(f"{len(X)} shots, range {y.min():.1f} .. {y.max():.1f} m")

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=1)
x_mean, x_std = X_tr.mean(0), X_tr.std(0)
y_mean, y_std = y_tr.mean(), y_tr.std()

f32 = lambda a: torch.tensor(a, dtype=torch.float32)
Xt, Xv = f32((X_tr - x_mean) / x_std), f32((X_va - x_mean) / x_std)
yt, yv = f32((y_tr - y_mean) / y_std)[:, None], f32((y_va - y_mean) / y_std)[:, None]

model = nn.Sequential(nn.Linear(3, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
lossf = nn.MSELoss()


def r2(pred, target):
    return 1 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


for epoch in range(100):
    model.train()
    perm = torch.randperm(len(Xt))
    for i in range(0, len(perm), 32):
        b = perm[i:i + 32]
        opt.zero_grad()
        loss = lossf(model(Xt[b]), yt[b])
        loss.backward()
        opt.step()
    sched.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            tr_r2, va_r2 = r2(model(Xt), yt), r2(model(Xv), yv)
            va_rmse = torch.sqrt(lossf(model(Xv), yv)).item() * y_std
        print(f"epoch {epoch + 1:3d}  train R2 {tr_r2:.4f}  val R2 {va_r2:.4f}  val RMSE {va_rmse:.2f} m")

print(f"validation R2: {va_r2:.4f}, RMSE {va_rmse:.2f} m")
