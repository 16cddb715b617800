# Monotone house-price regressor: every weight is kept positive through
# torch.nn.utils.parametrize, so predicted price never decreases in any feature.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as P

torch.manual_seed(42)
torch.set_num_threads(1)
rng = np.random.default_rng(42)

n = 2000
area = rng.normal(140, 40, n).clip(30, None)          # m^2
rooms = rng.poisson(4, n) + 1
quality = rng.uniform(1, 10, n)
location = rng.normal(0, 1, n)
price = (1800 * area + 9000 * rooms + 14000 * quality + 30000 * np.tanh(location)
         + 40 * area * quality + rng.normal(0, 15000, n))
features = np.column_stack([area, rooms, quality, location]).astype(np.float32)
price = price.astype(np.float32)

idx = rng.permutation(n)
tr, va = idx[:1600], idx[1600:]
f_mean, f_std = features[tr].mean(0), features[tr].std(0)
Xtr = torch.from_numpy((features[tr] - f_mean) / f_std)
Xva = torch.from_numpy((features[va] - f_mean) / f_std)
ytr = torch.from_numpy(price[tr]).unsqueeze(1)
yva = torch.from_numpy(price[va]).unsqueeze(1)


class Positive(nn.Module):
    def forward(self, w):
        return F.softplus(w) / w.shape[1]


class MonotoneMLP(nn.Module):
    def __init__(self, d_in, width=64):
        super().__init__()
        self.l1 = nn.Linear(d_in, width)
        self.l2 = nn.Linear(width, width)
        self.out = nn.Linear(width, 1)
        for layer in (self.l1, self.l2, self.out):
            P.register_parametrization(layer, "weight", Positive())

    def forward(self, x):
        x = F.softplus(self.l1(x))
        x = F.softplus(self.l2(x))
        return self.out(x)


model = MonotoneMLP(Xtr.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=60)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr), batch_size=64, shuffle=True)


def r2(pred, target):
    return 1 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


for epoch in range(60):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    scheduler.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            pred = model(Xva)
        print(f"epoch {epoch + 1:3d}  train_mse {running / len(Xtr):.4e}  val_r2 {r2(pred, yva):.4f}  "
              f"val_mae {(pred - yva).abs().mean().item():.0f}")

model.eval()
with torch.no_grad():
    pred = model(Xva)
print(f"validation R^2 {r2(pred, yva):.4f}, MAE {(pred - yva).abs().mean().item():.0f} EUR")
