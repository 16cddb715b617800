import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

# ---------------------------------------------------------------------------
# Modulation recognition on raw waveforms: AM / FM / BPSK / unmodulated carrier
# ---------------------------------------------------------------------------
torch.manual_seed(11)
np.random.seed(11)

FS = 1000.0
LEN = 512
CLASSES = ["carrier", "am", "fm", "bpsk"]


def gen(kind, rng):
    t = np.arange(LEN) / FS
    fc = rng.uniform(90, 130)
    ph0 = rng.uniform(0, 2 * math.pi)
    fm_ = rng.uniform(4, 9)
    if kind == 0:
        s = np.cos(2 * math.pi * fc * t + ph0)
    elif kind == 1:
        s = (1 + 0.8 * np.sin(2 * math.pi * fm_ * t)) * np.cos(2 * math.pi * fc * t + ph0)
    elif kind == 2:
        s = np.cos(2 * math.pi * fc * t + 6.0 * np.sin(2 * math.pi * fm_ * t) + ph0)
    else:
        bits = rng.integers(0, 2, LEN // 32 + 1).repeat(32)[:LEN]
        s = np.cos(2 * math.pi * fc * t + math.pi * bits + ph0)
    s = s + rng.normal(0, 0.5, LEN)
    return (s - s.mean()) / s.std()  # per-clip normalisation


rng = np.random.default_rng(11)
y_all = rng.integers(0, 4, 2400)
x_all = np.stack([gen(k, rng) for k in y_all]).astype(np.float32)
full = TensorDataset(torch.from_numpy(x_all).unsqueeze(1), torch.from_numpy(y_all))
train_ds, val_ds = random_split(full, [1920, 480], generator=torch.Generator().manual_seed(11))

train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=240)


def block(cin, cout):
    return nn.Sequential(nn.Conv1d(cin, cout, 7, padding=3), nn.BatchNorm1d(cout), nn.ReLU(), nn.MaxPool1d(2))


model = nn.Sequential(
    block(1, 16), block(16, 32), block(32, 32), block(32, 64),
    nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(64, len(CLASSES)),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    losses = []
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        losses.append(loss.item())
    opt.step()

    model.eval()
    hits = n = 0
    vloss = 0.0
    with torch.no_grad():
        for xb, yb in val_dl:
            out = model(xb)
            vloss += crit(out, yb).item() * len(yb)
            hits += (out.argmax(1) == yb).sum().item()
            n += len(yb)
    print(f"epoch {epoch}: train {np.mean(losses):.4f}  val {vloss / n:.4f}  acc {hits / n:.3f}")

print("validation accuracy:", round(hits / n, 4))
