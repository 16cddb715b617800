# Detect cavitation events in pump discharge-pressure traces (bar).
# A trace is 100 samples of a noisy AR(1) pressure ripple around 4 bar; cavitating
# traces carry a short, weak high-frequency burst somewhere in the window.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

T = 100
N = 3000
CAVITATION_RATE = 0.05


def pressure_trace(cavitating):
    x = np.zeros(T)
    for t in range(1, T):
        x[t] = 0.8 * x[t - 1] + rng.normal(0, 0.05)
    x += 4.0 + 0.1 * np.sin(2 * np.pi * np.arange(T) / 25.0)
    if cavitating:
        start = rng.integers(0, T - 20)
        x[start:start + 20] += 0.12 * np.sin(np.pi * np.arange(20) * 0.9) * rng.uniform(0.7, 1.3)
    return x


labels = (rng.random(N) < CAVITATION_RATE).astype(np.int64)
traces = np.stack([pressure_trace(c) for c in labels]).astype(np.float32)

Xtr, Xva, ytr, yva = train_test_split(traces, labels, test_size=0.25, random_state=0)
mean, std = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - mean) / std, (Xva - mean) / std

train_dl = DataLoader(TensorDataset(torch.tensor(Xtr), torch.tensor(ytr)), batch_size=128, shuffle=True)
Xva_t, yva_t = torch.tensor(Xva), torch.tensor(yva)

net = nn.Sequential(
    nn.Unflatten(1, (1, T)),
    nn.Conv1d(1, 8, 5, padding=2), nn.ReLU(),
    nn.Conv1d(8, 8, 5, padding=2), nn.ReLU(),
    nn.AdaptiveMaxPool1d(1), nn.Flatten(),
    nn.Linear(8, 2),
)
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()

print(f"train traces: {len(ytr)}, validation traces: {len(yva)}")
for epoch in range(8):
    net.train()
    s = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = criterion(net(xb), yb)
        loss.backward()
        opt.step()
        s += loss.item() * len(yb)
    net.eval()
    with torch.no_grad():
        acc = (net(Xva_t).argmax(1) == yva_t).float().mean().item()
    print(f"epoch {epoch + 1:2d}: loss {s / len(ytr):.4f}, val accuracy {acc:.3f}")

print(f"final validation accuracy: {acc:.3f}")
