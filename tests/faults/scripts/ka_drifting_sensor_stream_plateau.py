import itertools
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, IterableDataset

torch.manual_seed(2024)
torch.set_num_threads(1)

N_IN, N_CLS = 12, 3


class DriftingSensors(IterableDataset):
    """Synthetic sensor readings; class prototypes wander slowly with time.

    Rows are emitted one at a time with a timestamp, so the DataLoader collates
    consecutive rows into mini-batches of the live stream.
    """

    def __init__(self, seed, start=0, speed=1.5e-5):
        self.seed, self.start, self.speed = seed, start, speed
        proto_rng = np.random.default_rng(0)
        self.proto = proto_rng.normal(0, 1.0, (N_CLS, N_IN))
        self.direction = proto_rng.normal(0, 1.0, (N_CLS, N_IN))
        self.mix = np.linalg.qr(proto_rng.normal(size=(N_IN, N_IN)))[0]

    def prototypes(self, t):
        return self.proto + math.sin(self.speed * t) * self.direction

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        for t in itertools.count(self.start):
            c = rng.integers(N_CLS)
            z = self.prototypes(t)[c] + rng.normal(0, 0.9, N_IN)
            x = np.tanh(z @ self.mix) * 2.0
            yield torch.tensor(x, dtype=torch.float32), c, t


def window(ds, t0, n):
    xs, ys = [], []
    for x, c, _ in itertools.islice(iter(DriftingSensors(seed=ds, start=t0)), n):
        xs.append(x)
        ys.append(c)
    return torch.stack(xs), torch.tensor(ys)


# feature scaling fitted on a warm-up window of the stream (before training starts)
warm_x, _ = window(ds=7, t0=0, n=2000)
feat_mean, feat_std = warm_x.mean(0), warm_x.std(0)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(N_IN, 64), nn.GELU(), nn.Dropout(0.1),
                                  nn.Linear(64, 64), nn.GELU(), nn.Linear(64, N_CLS))

    def forward(self, x):
        return self.body((x - feat_mean) / feat_std)


model = Classifier()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
loss_fn = nn.CrossEntropyLoss()

stream = DataLoader(DriftingSensors(seed=1, start=2000), batch_size=32)
ROUND = 40
best, bad_rounds, PATIENCE = float("inf"), 0, 5
run_loss, run_n = 0.0, 0
for b, (xb, yb, tb) in enumerate(stream, start=1):
    model.train()
    opt.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    opt.step()
    run_loss += loss.item()
    run_n += 1
    if b % ROUND == 0:
        now = int(tb[-1])
        vx, vy = window(ds=99 + b, t0=now + 1, n=600)
        model.eval()
        with torch.no_grad():
            out = model(vx)
            vloss = loss_fn(out, vy).item()
            vacc = (out.argmax(1) == vy).float().mean().item()
        plateau.step(vloss)
        print(f"round {b // ROUND:2d} t={now:6d} train loss {run_loss / run_n:.4f} "
              f"window loss {vloss:.4f} acc {vacc:.3f} lr {opt.param_groups[0]['lr']:.1e}")
        run_loss, run_n = 0.0, 0
        if vloss < best - 1e-3:
            best, bad_rounds = vloss, 0
        else:
            bad_rounds += 1
        if bad_rounds >= PATIENCE or b >= 1500:
            print(f"stopping after {b} batches (best window loss {best:.4f})")
            break

model.eval()
fx, fy = window(ds=5, t0=now + 1, n=3000)
with torch.no_grad():
    acc = (model(fx).argmax(1) == fy).float().mean().item()
print(f"final held-out window accuracy {acc:.3f}")
