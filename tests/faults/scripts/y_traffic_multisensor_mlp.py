# Traffic counts at three neighbouring road sensors (5-min resolution).
# Forecast the next hour (12 steps) at sensor A from the last 2 hours of all sensors.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(1234)
torch.set_num_threads(1)
rng = np.random.default_rng(1234)

STEPS = 288 * 5          # five days of 5-minute counts
LOOK, AHEAD = 24, 12
t = np.arange(STEPS)
tod = (t % 288) / 288.0
rush = np.exp(-0.5 * ((tod - 0.33) / 0.04) ** 2) + 0.8 * np.exp(-0.5 * ((tod - 0.72) / 0.05) ** 2)
base = 40 + 120 * rush
A = base + rng.normal(0, 12, STEPS)
B = np.roll(base, 3) * 0.9 + rng.normal(0, 12, STEPS)     # upstream, leads A by 15 min
C = np.roll(base, -2) * 1.1 + rng.normal(0, 12, STEPS)
raw = np.stack([A, B, C], axis=1)

val_start = STEPS - 288                 # last day held out
mean = raw[:val_start].mean(axis=0)
std = raw[:val_start].std(axis=0)
Z = (raw - mean) / std


def build_windows(z, start, end):
    feats, targs = [], []
    for i in range(start, end - LOOK - AHEAD + 1):
        feats.append(np.concatenate([z[i:i + LOOK].reshape(-1), [np.sin(2 * np.pi * tod[i + LOOK]),
                                                               np.cos(2 * np.pi * tod[i + LOOK])]]))
        targs.append(z[i + LOOK:i + LOOK + AHEAD, 0])
    return torch.tensor(np.array(feats), dtype=torch.float32), torch.tensor(np.array(targs), dtype=torch.float32)


x_train, y_train = build_windows(Z, 0, STEPS)
x_val, y_val = build_windows(Z, val_start - LOOK, STEPS)
print(f"train windows: {len(x_train)}, val windows: {len(x_val)}, features: {x_train.shape[1]}")

net = nn.Sequential(nn.Linear(x_train.shape[1], 256), nn.ReLU(),
                    nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, AHEAD))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
loss_f = nn.MSELoss()


def mae_counts(pred, target):
    return ((pred - target).abs() * std[0]).mean().item()


for epoch in range(40):
    net.train()
    perm = torch.randperm(len(x_train))
    tl = 0.0
    for j in range(0, len(perm), 64):
        b = perm[j:j + 64]
        opt.zero_grad()
        l = loss_f(net(x_train[b]), y_train[b])
        l.backward()
        opt.step()
        tl += l.item() * len(b)
    sched.step()
    net.eval()
    with torch.no_grad():
        vm = mae_counts(net(x_val), y_val)
    if epoch % 4 == 3 or epoch == 0:
        print(f"epoch {epoch + 1:2d}  train mse {tl / len(x_train):.4f}  val MAE {vm:.2f} veh/5min")

net.eval()
with torch.no_grad():
    tm = mae_counts(net(x_train), y_train)
    vm = mae_counts(net(x_val), y_val)
last_val = x_val[:, (LOOK - 1) * 3].unsqueeze(1).expand_as(y_val)
print(f"train MAE {tm:.2f}  val MAE {vm:.2f}  naive last-value MAE {mae_counts(last_val, y_val):.2f}  (noise sd 12)")
