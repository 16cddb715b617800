"""Tabular regression with a self-supervised warm start.

Stage 1 (unsupervised): corrupt 25% of each row's features with values drawn from
other rows (swap noise) and train the encoder to reconstruct the clean row.
Stage 2 (supervised): encoder + regression head, OneCycle schedule, grad clipping.
Targets are standardised with train statistics and mapped back for reporting.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(123)
np.random.seed(123)

X, y = make_regression(n_samples=2000, n_features=10, n_informative=7, noise=8.0, random_state=123)
y = y + 30.0 * np.sin(X[:, 2]) * X[:, 3]
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.2, random_state=123)

x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train, X_valid = x_scaler.transform(X_train), x_scaler.transform(X_valid)
z_train = (y_train - y_mean) / y_std
z_valid = (y_valid - y_mean) / y_std

f32 = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Xva = f32(X_train), f32(X_valid)
ztr, zva = f32(z_train).unsqueeze(-1), f32(z_valid).unsqueeze(-1)

encoder = nn.Sequential(nn.Linear(10, 128), nn.SiLU(), nn.LayerNorm(128), nn.Linear(128, 64), nn.SiLU())
recon = nn.Linear(64, 10)


def swap_noise(x, p=0.25):
    mask = torch.rand_like(x) < p
    donors = x[torch.randint(0, len(x), (len(x),))]
    return torch.where(mask, donors, x)


pre_dl = DataLoader(TensorDataset(Xtr), batch_size=128, shuffle=True)
pre_opt = torch.optim.Adam([*encoder.parameters(), *recon.parameters()], lr=1e-3)
for epoch in range(15):
    encoder.train(); recon.train()
    losses = []
    for (xb,) in pre_dl:
        loss = nn.functional.mse_loss(recon(encoder(swap_noise(xb))), xb)
        pre_opt.zero_grad()
        loss.backward()
        pre_opt.step()
        losses.append(loss.item())
    if epoch % 3 == 0 or epoch == 14:
        print(f"pretrain epoch {epoch:2d}: swap-noise recon {np.mean(losses):.4f}")

regressor = nn.Sequential(encoder, nn.Dropout(0.1), nn.Linear(64, 1))
EPOCHS = 40
train_dl = DataLoader(TensorDataset(Xtr, ztr), batch_size=64, shuffle=True)
opt = torch.optim.AdamW(regressor.parameters(), lr=3e-3, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=EPOCHS, steps_per_epoch=len(train_dl))
mse = nn.MSELoss()
for epoch in range(EPOCHS):
    regressor.train()
    losses = []
    for xb, zb in train_dl:
        opt.zero_grad()
        loss = mse(regressor(xb), zb)
        loss.backward()
        nn.utils.clip_grad_norm_(regressor.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
    regressor.eval()
    with torch.no_grad():
        v = mse(regressor(Xva), zva).item()
    if epoch % 5 == 0 or epoch == EPOCHS - 1:
        print(f"finetune epoch {epoch:2d}: train {np.mean(losses):.4f}  valid {v:.4f}  lr {sched.get_last_lr()[0]:.2e}")

regressor.eval()
with torch.no_grad():
    pred = regressor(Xva).squeeze(-1).numpy() * y_std + y_mean
print(f"valid R^2 = {r2_score(y_valid, pred):.4f}, RMSE = {np.sqrt(np.mean((pred - y_valid) ** 2)):.2f} (target std {y_valid.std():.1f})")
