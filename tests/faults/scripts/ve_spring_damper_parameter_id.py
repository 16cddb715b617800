# Identify stiffness k and damping c of a mass-spring-damper from noisy
# displacement records, by differentiating through an RK4 rollout.
#   m x'' + c x' + k x = 0,  m = 1
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)
DT = torch.float64

K_TRUE, C_TRUE = 4.0, 0.6
dt, n_steps = 0.06, 60
noise = 0.02


def rhs(state, k, c):
    x, v = state[:, 0], state[:, 1]
    return torch.stack([v, -k * x - c * v], dim=1)


def rk4_rollout(x0, k, c):
    traj = [x0]
    s = x0
    for _ in range(n_steps):
        k1 = rhs(s, k, c)
        k2 = rhs(s + 0.5 * dt * k1, k, c)
        k3 = rhs(s + 0.5 * dt * k2, k, c)
        k4 = rhs(s + dt * k3, k, c)
        s = s + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        traj.append(s)
    return torch.stack(traj, dim=1)          # (B, T+1, 2)


# ---- simulated experiments -------------------------------------------------
n_exp = 40
x0_all = torch.from_numpy(np.random.uniform(-1.5, 1.5, size=(n_exp, 2)))
with torch.no_grad():
    clean = rk4_rollout(x0_all, torch.tensor(K_TRUE, dtype=DT), torch.tensor(C_TRUE, dtype=DT))
obs = clean[:, :, 0] + noise * torch.randn(n_exp, n_steps + 1, dtype=DT)   # only x is measured

perm = torch.randperm(n_exp)
tr_idx, va_idx = perm[:30], perm[30:]


class SpringModel(nn.Module):
    def __init__(self):
        super().__init__()
        # positive parameters through a log
        self.log_k = nn.Parameter(torch.tensor(0.0, dtype=DT))
        self.log_c = nn.Parameter(torch.tensor(-1.0, dtype=DT))

    def forward(self, x0):
        return rk4_rollout(x0, self.log_k.exp(), self.log_c.exp())[:, :, 0]


model = SpringModel()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=5)
mse = nn.MSELoss()
batch = 10

for epoch in range(1, 41):
    model.train()
    order = tr_idx[torch.randperm(len(tr_idx))]
    tot = 0.0
    for i in range(0, len(order), batch):
        b = order[i:i + batch]
        opt.zero_grad()
        loss = mse(model(x0_all[b]), obs[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        val = mse(model(x0_all[va_idx]), obs[va_idx]).item()
    sched.step(val)
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:3d} train {tot / len(tr_idx):.5f} val {val:.5f} "
              f"k={model.log_k.exp().item():.4f} c={model.log_c.exp().item():.4f} lr={opt.param_groups[0]['lr']:.4f}")

k_hat, c_hat = model.log_k.exp().item(), model.log_c.exp().item()
print(f"identified k = {k_hat:.4f} (true {K_TRUE}), rel err {abs(k_hat - K_TRUE) / K_TRUE:.2%}")
print(f"identified c = {c_hat:.4f} (true {C_TRUE}), rel err {abs(c_hat - C_TRUE) / C_TRUE:.2%}")
with torch.no_grad():
    pred = model(x0_all[va_idx])
    ref = clean[va_idx][:, :, 0]
    print(f"validation relative L2 vs noise-free trajectories: {(torch.linalg.norm(pred - ref) / torch.linalg.norm(ref)).item():.3e}")
