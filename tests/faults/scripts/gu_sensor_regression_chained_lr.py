"""Synthetic sensor-calibration regression: residual MLP, forward hooks that
track activation sparsity, LinearLR warmup chained with ExponentialLR decay."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.metrics import r2_score

torch.manual_seed(31)
torch.set_num_threads(1)

X, y_lin = make_regression(n_samples=2500, n_features=8, n_informative=6, noise=0.0, random_state=31)
rng = np.random.default_rng(31)
y = 50 * np.tanh(y_lin / 100) + 10 * np.sin(X[:, 0]) + rng.normal(0, 2.0, len(y_lin))
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.2, random_state=31)

xm, xs = Xa.mean(0), Xa.std(0)
ym, ys = ya.mean(), ya.std()
Xa_t = torch.tensor((Xa - xm) / xs, dtype=torch.float32)
Xb_t = torch.tensor((Xb - xm) / xs, dtype=torch.float32)
ya_t = torch.tensor((ya - ym) / ys, dtype=torch.float32).unsqueeze(1)


class ResBlock(nn.Module):
    def __init__(self, d, p=0.1):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Dropout(p), nn.Linear(d, d))

    def forward(self, x):
        return torch.relu(x + self.f(x))


model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), ResBlock(64), ResBlock(64), nn.Linear(64, 1))

active_frac = {}


def track(name):
    def _hook(mod, inp, out):
        active_frac[name] = (out > 0).float().mean().item()
    return _hook


model[1].register_forward_hook(track("stem"))
model[2].register_forward_hook(track("res1"))
model[3].register_forward_hook(track("res2"))

EPOCHS = 40
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.ChainedScheduler([
    torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4),
    torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.93),
])
loss_fn = nn.MSELoss()
ds = torch.utils.data.TensorDataset(Xa_t, ya_t)
dl = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

for epoch in range(1, EPOCHS + 1):
    model.train()
    acc_loss = 0.0
    for xb_, yb_ in dl:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb_), yb_)
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(xb_)
    sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(Xb_t).squeeze(1).numpy() * ys + ym
    if epoch % 5 == 0 or epoch == 1:
        acts = " ".join(f"{k}={v:.2f}" for k, v in active_frac.items())
        print(f"epoch {epoch:2d} lr {opt.param_groups[0]['lr']:.2e} train_mse(std) {acc_loss / len(ds):.4f} "
              f"val_r2 {r2_score(yb, pred):.4f} active[{acts}]")

print(f"final validation R2: {r2_score(yb, pred):.4f}  RMSE: {np.sqrt(np.mean((pred - yb) ** 2)):.3f}")
