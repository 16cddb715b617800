# GRU classifies whether a noisy chirp sweeps up, sweeps down, or holds a constant frequency.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 55
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)
T = 48

t = np.linspace(0, 1, T)
signals, classes = [], []
for c, (f0, f1) in enumerate([(2.0, 6.0), (6.0, 2.0), (4.0, 4.0)]):
    for _ in range(700):
        j = rng.uniform(0.85, 1.15)
        phase = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t ** 2) * j + rng.uniform(0, 2 * np.pi)
        signals.append(np.sin(phase) + 0.3 * rng.standard_normal(T))
        classes.append(c)
signals = np.asarray(signals, dtype=np.float32)[..., None]
classes = np.asarray(classes)

signals = signals[rng.permutation(len(signals))]
classes = classes[rng.permutation(len(classes))]
n_tr = 1600
x_tr, y_tr = signals[:n_tr], classes[:n_tr]
x_va, y_va = signals[n_tr:], classes[n_tr:]
m, s = x_tr.mean(), x_tr.std()
train_dl = DataLoader(TensorDataset(torch.from_numpy((x_tr - m) / s), torch.from_numpy(y_tr)),
                      batch_size=64, shuffle=True)
xv, yv = torch.from_numpy((x_va - m) / s), torch.from_numpy(y_va)


class ChirpGRU(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        o, _ = self.gru(x)
        return self.fc(o.mean(1))


model = ChirpGRU()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
crit = nn.CrossEntropyLoss()
for epoch in range(10):
    model.train()
    tl, tc, tn = 0.0, 0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        out = model(xb)
        loss = crit(out, yb)
        loss.backward()
        opt.step()
        tl += loss.item() * len(yb)
        tc += (out.argmax(1) == yb).sum().item()
        tn += len(yb)
    model.eval()
    with torch.no_grad():
        va = (model(xv).argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d} loss {tl / tn:.4f} train_acc {tc / tn:.3f} val_acc {va:.3f}")

print(f"val accuracy {va:.3f}")
