"""1-D heat equation u_t = alpha u_xx on [0, 1], u = 0 on the boundary.
A small Conv1d network learns the map u(t) -> u(t + 10 dt) produced by an
explicit finite-difference solver; evaluated by a multi-step rollout."""
import math
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

NX = 48
ALPHA = 0.05
dx = 1.0 / (NX + 1)
dt = 0.4 * dx * dx / ALPHA      # stable explicit step (r = 0.4)
JUMP = 10                       # network predicts 10 solver steps at once
x = np.linspace(dx, 1 - dx, NX)


def solver(u, steps):
    r = ALPHA * dt / dx ** 2
    for _ in range(steps):
        up = np.pad(u, ((0, 0), (1, 1)))
        u = u + r * (up[:, 2:] - 2 * up[:, 1:-1] + up[:, :-2])
    return u


def random_ic(n):
    modes = np.arange(1, 6)
    amp = np.random.normal(0, 1, (n, 5)) / modes
    return (amp[:, :, None] * np.sin(np.pi * modes[None, :, None] * x[None, None, :])).sum(1)


def make_pairs(n):
    u = solver(random_ic(n), np.random.randint(0, 30))
    return u, solver(u, JUMP)


U0, U1 = [], []
for _ in range(20):
    a, b = make_pairs(60)
    U0.append(a); U1.append(b)
U0, U1 = np.concatenate(U0), np.concatenate(U1)
perm = np.random.permutation(len(U0))
n_tr = int(0.8 * len(U0))
tr, va = perm[:n_tr], perm[n_tr:]
scale = U0[tr].std()            # one global scale, fitted on training fields only

def T(a):
    return torch.tensor(a / scale, dtype=torch.float32).unsqueeze(1)

X_tr, Y_tr, X_va, Y_va = T(U0[tr]), T(U1[tr]), T(U0[va]), T(U1[va])


class HeatStep(nn.Module):
    def __init__(self, ch=24):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(1, ch, 5, padding=2), nn.GELU(),
            nn.Conv1d(ch, ch, 5, padding=2), nn.GELU(),
            nn.Conv1d(ch, 1, 5, padding=2),
        )

    def forward(self, u):
        return u + self.body(u)       # predict the increment


model = HeatStep()
EPOCHS, MICRO, ACCUM = 25, 16, 4
steps_per_epoch = math.ceil(len(X_tr) / (MICRO * ACCUM))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)
loss_fn = nn.MSELoss()

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(X_tr))
    opt.zero_grad()
    running, n_micro = 0.0, 0
    for k, i in enumerate(range(0, len(order), MICRO)):
        b = order[i:i + MICRO]
        loss = loss_fn(model(X_tr[b]), Y_tr[b])
        (loss / ACCUM).backward()
        running += loss.item(); n_micro += 1
        if (k + 1) % ACCUM == 0 or i + MICRO >= len(order):
            opt.step()
            sched.step()
            opt.zero_grad()
    model.eval()
    with torch.no_grad():
        pv = model(X_va)
        rel = (torch.linalg.norm(pv - Y_va) / torch.linalg.norm(Y_va)).item()
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch + 1:2d}  train mse {running / n_micro:.3e}  val rel L2 {rel:.4f}  lr {sched.get_last_lr()[0]:.2e}")

# rollout: 8 network jumps vs the solver
model.eval()
u0 = random_ic(16)
ref = solver(u0, 8 * JUMP)
with torch.no_grad():
    u = T(u0)
    for _ in range(8):
        u = model(u)
pred = u.squeeze(1).numpy() * scale
print(f"one-jump validation relative L2: {rel:.4f}")
print(f"8-jump rollout relative L2: {np.linalg.norm(pred - ref) / np.linalg.norm(ref):.4f}")
