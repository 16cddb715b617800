"""Learn the vector field of a damped pendulum from noisy derivative samples,
then integrate the learned field with RK4 and compare with the true rollout."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

G_OVER_L = 9.81 / 1.0
GAMMA = 0.25


def true_field(s):
    th, om = s[..., 0], s[..., 1]
    return np.stack([om, -G_OVER_L * np.sin(th) - GAMMA * om], axis=-1)


# samples of (state, d state/dt) with measurement noise
n = 2500
states = np.column_stack([np.random.uniform(-np.pi, np.pi, n), np.random.uniform(-6, 6, n)])
derivs = true_field(states) + np.random.normal(0, 0.05, size=(n, 2))

idx = np.random.permutation(n)
tr, va = idx[:2000], idx[2000:]
X_tr, Y_tr = states[tr], derivs[tr]
X_va, Y_va = states[va], derivs[va]

x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = Y_tr.mean(0), Y_tr.std(0)

def to_t(a):
    return torch.tensor(a, dtype=torch.float32)

train_ds = TensorDataset(to_t((X_tr - x_mu) / x_sd), to_t((Y_tr - y_mu) / y_sd))
Xv, Yv = to_t((X_va - x_mu) / x_sd), to_t((Y_va - y_mu) / y_sd)
loader = DataLoader(train_ds, batch_size=128, shuffle=True)

net = nn.Sequential(
    nn.Linear(2, 64), nn.SiLU(),
    nn.Linear(64, 64), nn.SiLU(),
    nn.Linear(64, 2),
)
EPOCHS = 16
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, epochs=EPOCHS, steps_per_epoch=len(loader))
crit = nn.MSELoss()

for ep in range(EPOCHS):
    net.train()
    run = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = crit(net(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        run += loss.item() * len(xb)
    net.eval()
    with torch.no_grad():
        vl = crit(net(Xv), Yv).item()
    if ep % 2 == 0 or ep == EPOCHS - 1:
        print(f"[{ep + 1:02d}/{EPOCHS}] train_mse={run / len(train_ds):.5f} val_mse={vl:.5f} lr={sched.get_last_lr()[0]:.2e}")


def learned_field(s):
    with torch.no_grad():
        z = to_t((s - x_mu) / x_sd)
        return net(z).numpy() * y_sd + y_mu


def rk4(f, s0, h, steps):
    out = [s0]
    s = s0
    for _ in range(steps):
        k1 = f(s); k2 = f(s + 0.5 * h * k1); k3 = f(s + 0.5 * h * k2); k4 = f(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(s)
    return np.stack(out)

net.eval()
s0 = np.array([[1.2, 0.0], [-2.0, 1.5], [0.5, -3.0]])
ref = rk4(true_field, s0, 0.02, 150)
pred = rk4(learned_field, s0, 0.02, 150)
rel = np.linalg.norm(pred - ref) / np.linalg.norm(ref)
print(f"val R2 (derivatives): {1 - vl:.4f}")
print(f"rollout relative L2 error over 3 s: {rel:.4f}")
