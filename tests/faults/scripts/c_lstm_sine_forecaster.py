"""One-step-ahead forecaster for a noisy mixture of sines, LSTM over sliding windows of 24 steps."""
import numpy as np
import torch
import torch.nn as nn

np.random.seed(3)
torch.manual_seed(3)
torch.set_num_threads(1)

n_steps = 3000
tt = np.arange(n_steps)
series = np.sin(2 * np.pi * tt / 50) + 0.5 * np.sin(2 * np.pi * tt / 17 + 1.0) + 0.1 * np.random.randn(n_steps)
W = 24
windows = np.stack([series[i:i + W] for i in range(n_steps - W)]).astype(np.float32)
targets = series[W:].astype(np.float32)

split = int(0.8 * len(windows))
mu, sd = windows[:split].mean(), windows[:split].std()
Xtr = torch.from_numpy((windows[:split] - mu) / sd).unsqueeze(-1)
ytr = torch.from_numpy((targets[:split] - mu) / sd)
Xva = torch.from_numpy((windows[split:] - mu) / sd).unsqueeze(-1)
yva = torch.from_numpy((targets[split:] - mu) / sd)


class Forecaster(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.proj = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.proj(out[:, -1])


model = Forecaster()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.MSELoss()

for epoch in range(10):
    model.train()
    order = torch.randperm(len(Xtr))
    sse = 0.0
    for i in range(0, len(order), 64):
        b = order[i:i + 64]
        opt.zero_grad()
        loss = criterion(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        sse += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pred = model(Xva).view(-1)
        val_mse = ((pred - yva) ** 2).mean().item()
    r2 = 1 - val_mse / yva.var().item()
    print(f"epoch {epoch + 1:2d}  train_loss {sse / len(Xtr):.4f}  val_mse {val_mse:.4f}  val_r2 {r2:.3f}")

print(f"validation R^2 {r2:.3f}")
