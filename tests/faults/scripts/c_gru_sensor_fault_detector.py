"""GRU detector: flag sensor traces that contain a drift fault (binary sequence classification)."""
import numpy as np
import torch
import torch.nn as nn

np.random.seed(8)
torch.manual_seed(8)
torch.set_num_threads(1)

N, T = 3000, 30


def simulate(n):
    faulty = (np.random.rand(n) < 0.04).astype(np.int64)
    base = np.cumsum(0.3 * np.random.randn(n, T), axis=1) * 0.2 + np.random.randn(n, T)
    ramp = np.linspace(0, 1, T)[None, :] * np.random.uniform(0.4, 0.9, (n, 1))
    x = base + faulty[:, None] * ramp
    return x.astype(np.float32)[..., None], faulty


x_all, y_all = simulate(N)
order = np.random.permutation(N)
tr, va = order[:2400], order[2400:]
mu, sd = x_all[tr].mean(), x_all[tr].std()
xtr = torch.from_numpy((x_all[tr] - mu) / sd)
xva = torch.from_numpy((x_all[va] - mu) / sd)
ytr, yva = torch.from_numpy(y_all[tr]), torch.from_numpy(y_all[va])


class Detector(nn.Module):
    def __init__(self, h=32):
        super().__init__()
        self.gru = nn.GRU(1, h, batch_first=True)
        self.ln = nn.LayerNorm(h)
        self.head = nn.Linear(h, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(self.ln(out[:, -1]))


model = Detector()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    perm = torch.randperm(len(xtr))
    ep = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(xtr[idx]), ytr[idx])
        loss.backward()
        optimizer.step()
        ep += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pred = model(xva).argmax(1)
    acc = (pred == yva).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train_loss {ep / len(xtr):.4f}  val_accuracy {acc:.4f}")

print(f"validation accuracy: {acc:.4f}")
