# disc counting as a 4-way classifier, one-cycle schedule
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)

SIZE = 20


def render(n):
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    X = rng.normal(0, 0.25, (n, 1, SIZE, SIZE)).astype(np.float32)
    k = rng.integers(1, 5, n)
    for i in range(n):
        for _ in range(k[i]):
            cx, cy = rng.integers(2, SIZE - 2, 2)
            X[i, 0][(xx - cx) ** 2 + (yy - cy) ** 2 <= 4] = 1.0
    return X, k - 1


X, y = render(1000)
X, y = torch.tensor(X), torch.tensor(y)
split = 800
Xtr, ytr, Xva, yva = X[:split], y[:split], X[split:], y[split:]
m, s = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s

net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 5 * 5, 64), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(64, 4),
)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=15, steps_per_epoch=split // 50)
crit = nn.CrossEntropyLoss()

for epoch in range(15):
    net.train()
    order = torch.randperm(split)
    running = 0.0
    for b in range(0, split, 50):
        ib = order[b:b + 50]
        opt.zero_grad()
        loss = crit(net(Xtr[ib]), ytr[ib])
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
    net.eval()
    with torch.no_grad():
        acc = (net(Xva).argmax(1) == yva).float().mean().item()
    print(f"[{epoch:02d}] train_loss={running / (split // 50):.4f} val_acc={acc:.3f}")
print("count accuracy:", round(acc, 3))
