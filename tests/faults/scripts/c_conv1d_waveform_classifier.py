# 1-D CNN that tells square, triangle, sawtooth and sine waveforms apart under heavy noise.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(12)
torch.set_num_threads(1)
rng = np.random.default_rng(12)
T = 64


def waveform(kind, n):
    t = np.linspace(0, 1, T)[None]
    f = rng.uniform(2, 5, (n, 1))
    ph = rng.uniform(0, 1, (n, 1))
    u = (f * t + ph) % 1.0
    if kind == 0:
        w = np.sin(2 * np.pi * u)
    elif kind == 1:
        w = np.sign(np.sin(2 * np.pi * u))
    elif kind == 2:
        w = 4 * np.abs(u - 0.5) - 1
    else:
        w = 2 * u - 1
    return w + 0.5 * rng.standard_normal((n, T))


X = np.concatenate([waveform(k, 500) for k in range(4)]).astype(np.float32)
y = np.repeat(np.arange(4), 500)
p = rng.permutation(len(X))
X, y = X[p], y[p]
Xtr, ytr, Xva, yva = X[:1600], y[:1600], X[1600:], y[1600:]
mu, sd = Xtr.mean(), Xtr.std()
Xtr = torch.tensor((Xtr - mu) / sd)[:, None]
Xva = torch.tensor((Xva - mu) / sd)[:, None]
ytr, yva = torch.tensor(ytr), torch.tensor(yva)

net = nn.Sequential(
    nn.Conv1d(1, 16, 7, padding=3), nn.ReLU(), nn.MaxPool1d(2),
    nn.Conv1d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
    nn.Conv1d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
    nn.Flatten(), nn.Linear(32, 4))
opt = torch.optim.SGD(net.parameters(), lr=0.15, momentum=0.9)
lossf = nn.CrossEntropyLoss()

for ep in range(20):
    net.train()
    order = torch.randperm(len(Xtr))
    tot = 0.0
    for i in range(0, len(order), 32):
        b = order[i:i + 32]
        opt.zero_grad()
        loss = lossf(net(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        acc = (net(Xva).argmax(1) == yva).float().mean().item()
    print(f"epoch {ep + 1:2d} train_loss {tot / len(Xtr):.4f} val_acc {acc:.3f}")

print(f"final val acc {acc:.3f}")
