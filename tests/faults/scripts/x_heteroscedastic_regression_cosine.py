"""Mean + log-variance regression on synthetic data with input-dependent noise.

AdamW, cosine learning-rate decay per epoch, gradient-norm clipping, nn.GaussianNLLLoss.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 5
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y_clean = make_regression(n_samples=2500, n_features=8, n_informative=6, noise=0.0, random_state=SEED)
rng = np.random.default_rng(SEED)
noise_scale = 5.0 + 25.0 * (1 + np.tanh(X[:, 0]))          # noise depends on the first feature
y = y_clean + noise_scale * rng.standard_normal(len(y_clean))

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=SEED)
x_scaler = StandardScaler().fit(X_tr)
y_scaler = StandardScaler().fit(y_tr.reshape(-1, 1))
X_tr = torch.tensor(x_scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(x_scaler.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_scaler.transform(y_tr.reshape(-1, 1)), dtype=torch.float32).squeeze(1)
y_va = torch.tensor(y_scaler.transform(y_va.reshape(-1, 1)), dtype=torch.float32).squeeze(1)


class GaussianHead(nn.Module):
    def __init__(self, d_in, width=64):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU())
        self.out = nn.Linear(width, 2)

    def forward(self, x):
        mu, log_var = self.out(self.body(x)).unbind(-1)
        return mu, log_var.clamp(-8.0, 8.0)


model = GaussianHead(X_tr.shape[1])
criterion = nn.GaussianNLLLoss()
EPOCHS = 40
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)

for epoch in range(EPOCHS):
    model.train()
    tr_loss = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        mu, log_var = model(xb)
        loss = criterion(mu, yb, log_var.exp())
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        opt.step()
        tr_loss += loss.item() * len(yb)
    sched.step()

    model.eval()
    with torch.no_grad():
        mu, log_var = model(X_va)
        va_nll = criterion(mu, y_va, log_var.exp()).item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  lr {sched.get_last_lr()[0]:.5f}  train nll {tr_loss / len(y_tr):.4f}  val nll {va_nll:.4f}")

model.eval()
with torch.no_grad():
    mu, log_var = model(X_va)
    sd = (0.5 * log_var).exp()
r2 = 1 - ((y_va - mu) ** 2).sum() / ((y_va - y_va.mean()) ** 2).sum()
coverage = ((y_va - mu).abs() <= 1.96 * sd).float().mean()
rmse_raw = ((y_va - mu) ** 2).mean().sqrt().item() * y_scaler.scale_[0]
corr = np.corrcoef(sd.numpy(), x_scaler.inverse_transform(X_va.numpy())[:, 0])[0, 1]
print(f"val R2 {r2:.3f}  rmse {rmse_raw:.2f}  95% coverage {coverage:.3f}  corr(sd, x0) {corr:.2f}")
