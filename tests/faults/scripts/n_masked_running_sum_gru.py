"""Sequence-to-sequence regression on padded variable-length sequences:
predict the running sum at every valid timestep (masked MSE)."""
import numpy as np
import torch
import torch.nn as nn

SEED = 123
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

T = 20
rng = np.random.default_rng(SEED)


def build(n):
    lens = rng.integers(5, T + 1, size=n)
    x = rng.uniform(-1, 3, size=(n, T)).astype(np.float32)
    mask = np.arange(T)[None, :] < lens[:, None]
    x = x * mask
    y = np.cumsum(x, axis=1) * mask
    return x, y.astype(np.float32), mask


x_tr, y_tr, m_tr = build(1000)
x_va, y_va, m_va = build(400)

x_mean, x_std = x_tr[m_tr].mean(), x_tr[m_tr].std()
y_mean, y_std = y_tr[m_tr].mean(), y_tr[m_tr].std()


def prep(x, y, m):
    xs = np.where(m, (x - x_mean) / x_std, 0.0)
    ys = np.where(m, (y - y_mean) / y_std, 0.0)
    return (torch.tensor(xs, dtype=torch.float32).unsqueeze(-1),
            torch.tensor(ys, dtype=torch.float32),
            torch.tensor(m, dtype=torch.float32))


Xtr, Ytr, Mtr = prep(x_tr, y_tr, m_tr)
Xva, Yva, Mva = prep(x_va, y_va, m_va)


class Model(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.gru = nn.GRU(1, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Sequential(nn.Linear(hidden, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        h, _ = self.gru(x)
        return self.head(h).squeeze(-1)


def masked_mse(pred, target, mask):
    return ((pred - target) ** 2 * mask).sum() / mask.sum()


model = Model()
EPOCHS = 12
optimizer = torch.optim.Adam(model.parameters(), lr=4e-3, weight_decay=1e-5)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS, eta_min=1e-5)

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(Xtr))
    acc_loss = 0.0
    for i in range(0, len(order), 64):
        b = order[i:i + 64]
        optimizer.zero_grad()
        loss = masked_mse(model(Xtr[b]), Ytr[b], Mtr[b])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        acc_loss += loss.item() * len(b)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        vl = masked_mse(model(Xva), Yva, Mva).item()
    print(f"epoch {epoch + 1:2d}/{EPOCHS}  train {acc_loss / len(Xtr):.5f}  val {vl:.5f}  "
          f"lr {scheduler.get_last_lr()[0]:.5f}")

with torch.no_grad():
    pred = model(Xva) * y_std + y_mean
    raw_mae = ((pred - torch.tensor(y_va)).abs() * Mva).sum() / Mva.sum()
    r2 = 1 - vl
print(f"val MAE (original units) {raw_mae.item():.3f}   approx R^2 {r2:.4f}")
