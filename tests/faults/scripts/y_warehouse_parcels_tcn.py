"""Daily outbound parcels for 5 warehouses; causal dilated CNN, 14-day horizon."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 2024
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

N_WH, DAYS = 5, 700
LOOKBACK, HORIZON = 42, 14
rng = np.random.default_rng(SEED)
d = np.arange(DAYS)
weekday = np.array([1.0, 1.1, 1.05, 1.0, 1.2, 0.6, 0.4])[d % 7]
series = []
for w in range(N_WH):
    noise = np.zeros(DAYS)
    for i in range(1, DAYS):
        noise[i] = 0.6 * noise[i - 1] + rng.normal(0, 0.01)
    level = rng.uniform(300, 900)
    series.append(level * weekday * (1 + 0.1 * np.sin(2 * np.pi * d / 91 + w)) * (1 + noise))
series = np.array(series)

split = 560
mu = series[:, :split].mean(1, keepdims=True)
sigma = series[:, :split].std(1, keepdims=True)
scaled = (series - mu) / sigma


def build(lo, hi):
    xs, ys, ws = [], [], []
    for w in range(N_WH):
        for i in range(lo, hi - LOOKBACK - HORIZON + 1):
            dow = (d[i:i + LOOKBACK] % 7) / 6.0
            xs.append(np.stack([scaled[w, i:i + LOOKBACK], dow]))
            ys.append(scaled[w, i + LOOKBACK:i + LOOKBACK + HORIZON])
            ws.append(w)
    return (torch.tensor(np.array(xs), dtype=torch.float32),
            torch.tensor(np.array(ys), dtype=torch.float32), np.array(ws))


x_tr, y_tr, _ = build(0, split)
x_va, y_va, w_va = build(split - LOOKBACK, DAYS)
naive_va = x_va[:, 0, -1:].expand_as(y_va)
mu_va = torch.tensor(mu[w_va], dtype=torch.float32)
sd_va = torch.tensor(sigma[w_va], dtype=torch.float32)
print(f"{len(x_tr)} training windows, {len(x_va)} validation windows")


class CausalCNN(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.convs = nn.ModuleList()
        cin = 2
        for dil in (1, 2, 4, 8):
            self.convs.append(nn.Conv1d(cin, ch, kernel_size=2, dilation=dil))
            cin = ch
        self.out = nn.Linear(ch * 7, HORIZON)

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            h = conv(F.pad(x, (conv.dilation[0], 0)))
            x = F.gelu(h) + (x if i > 0 else 0)
        return self.out(x[:, :, -7:].flatten(1))


def smape(a, b):
    return (200 * (a - b).abs() / (a.abs() + b.abs())).mean().item()


model = CausalCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
criterion = nn.MSELoss()

for epoch in range(25):
    model.train()
    shuffle = torch.randperm(len(x_tr))
    run = 0.0
    for k in range(0, len(shuffle), 24):
        idx = shuffle[k:k + 24]
        optimizer.zero_grad()
        loss = criterion(model(x_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
        run += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pv = model(x_va) * sd_va + mu_va
    tv = y_va * sd_va + mu_va
    naive = naive_va * sd_va + mu_va
    mae, naive_mae = (pv - tv).abs().mean().item(), (naive - tv).abs().mean().item()
    print(f"epoch {epoch + 1:2d}  train mse {run / len(x_tr):.4f}  val sMAPE {smape(pv, tv):6.2f}%  "
          f"val MAE {mae:7.2f}  skill vs naive {100 * (1 - mae / naive_mae):5.1f}%")

print(f"final val sMAPE {smape(pv, tv):.2f}%  MAE {mae:.2f}   "
      f"naive last-value sMAPE {smape(naive, tv):.2f}%  MAE {naive_mae:.2f}")
