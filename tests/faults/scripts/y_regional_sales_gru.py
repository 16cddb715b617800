"""Weekly regional sales forecast (4 regions, 8 weeks ahead) with a GRU encoder.
Inputs: last 26 weeks of sales for the region + week-of-year encoding + region id."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
torch.set_num_threads(1)
rng = np.random.default_rng(3)

REGIONS, WEEKS = 4, 420
LOOKBACK, HORIZON = 26, 8
wk = np.arange(WEEKS)
sales = np.empty((REGIONS, WEEKS))
for r in range(REGIONS):
    level = 40_000 + 15_000 * r
    season = 0.18 * np.sin(2 * np.pi * wk / 52 + r * 0.7)
    holiday = 0.25 * np.exp(-0.5 * ((wk % 52 - 50) / 1.5) ** 2)
    ar = np.zeros(WEEKS)
    for i in range(1, WEEKS):
        ar[i] = 0.7 * ar[i - 1] + rng.normal(0, 0.03)
    sales[r] = level * (1 + 0.0008 * wk) * (1 + season + holiday + ar)

train_end = 330
feat_mu = sales[:, :train_end].mean()
feat_sd = sales[:, :train_end].std()


def make_split(lo, hi):
    X, Y, last = [], [], []
    for r in range(REGIONS):
        for i in range(lo, hi - LOOKBACK - HORIZON + 1):
            w = wk[i:i + LOOKBACK]
            seq = np.stack([(sales[r, i:i + LOOKBACK] - feat_mu) / feat_sd,
                            np.sin(2 * np.pi * w / 52), np.cos(2 * np.pi * w / 52),
                            np.full(LOOKBACK, r / (REGIONS - 1))], axis=1)
            X.append(seq)
            Y.append(sales[r, i + LOOKBACK:i + LOOKBACK + HORIZON])
            last.append(sales[r, i + LOOKBACK - 1])
    return (torch.tensor(np.array(X), dtype=torch.float32),
            torch.tensor(np.array(Y), dtype=torch.float32),
            torch.tensor(np.array(last), dtype=torch.float32))


X_tr, Y_tr, _ = make_split(0, train_end)
X_va, Y_va, last_va = make_split(train_end - LOOKBACK, WEEKS)
print(f"train {tuple(X_tr.shape)} -> {tuple(Y_tr.shape)}, val {tuple(X_va.shape)}")


class SalesGRU(nn.Module):
    def __init__(self, n_feat=4, hidden=48):
        super().__init__()
        self.rnn = nn.GRU(n_feat, hidden, num_layers=1, batch_first=True)
        self.proj = nn.Sequential(nn.Linear(hidden, 64), nn.ReLU(), nn.Linear(64, HORIZON))

    def forward(self, x):
        _, h = self.rnn(x)
        return self.proj(h[-1])


model = SalesGRU()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.MSELoss()
EPOCHS, BS = 25, 32

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(X_tr))
    epoch_loss = 0.0
    for s in range(0, len(order), BS):
        idx = order[s:s + BS]
        opt.zero_grad()
        out = model(X_tr[idx])
        loss = loss_fn(out, Y_tr[idx])
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val_pred = model(X_va)
        val_mae = (val_pred - Y_va).abs().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {epoch_loss / len(X_tr):.4g}  val MAE {val_mae:,.0f}")

model.eval()
with torch.no_grad():
    val_pred = model(X_va)
mae = (val_pred - Y_va).abs().mean().item()
smape = (200 * (val_pred - Y_va).abs() / (val_pred.abs() + Y_va.abs())).mean().item()
naive = last_va.unsqueeze(1).expand_as(Y_va)
naive_mae = (naive - Y_va).abs().mean().item()
naive_smape = (200 * (naive - Y_va).abs() / (naive.abs() + Y_va.abs())).mean().item()
print(f"val MAE {mae:,.0f}  sMAPE {smape:.1f}%  | naive last-value MAE {naive_mae:,.0f}  sMAPE {naive_smape:.1f}%")
