# Pitch (fundamental frequency) regression from short harmonic notes in noise.
# Features: log-magnitude spectrum averaged over STFT frames.
# Target: f0 in Hz, standardised with the training mean/std, inverted for reporting.
# Optimiser: AdamW + linear warm-up then cosine decay (LambdaLR, stepped per batch).
import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(99)
np.random.seed(99)

FS = 8000
N = 1024
F0_RANGE = (110.0, 440.0)


def harmonic_notes(n, rng):
    t = np.arange(N) / FS
    f0 = rng.uniform(*F0_RANGE, size=n)
    x = np.zeros((n, N))
    for h in range(1, 6):
        amp = rng.uniform(0.2, 1.0, size=(n, 1)) / h
        x += amp * np.sin(2 * np.pi * h * f0[:, None] * t + rng.uniform(0, 2 * np.pi, (n, 1)))
    x += rng.normal(0, 0.3, x.shape)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(f0, dtype=torch.float32)


def spectrum_features(x):
    S = torch.stft(x, 512, 128, window=torch.hann_window(512), return_complex=True).abs()
    return torch.log(S.mean(dim=-1)[:, :129] + 1e-4)  # 0 .. 2 kHz


rng = np.random.default_rng(99)
x_train, f0_train = harmonic_notes(4000, rng)
x_val, f0_val = harmonic_notes(600, rng)
X_train, X_val = spectrum_features(x_train), spectrum_features(x_val)

x_mu, x_sd = X_train.mean(0), X_train.std(0) + 1e-6
X_train, X_val = (X_train - x_mu) / x_sd, (X_val - x_mu) / x_sd
y_mu, y_sd = f0_train.mean(), f0_train.std()
y_train = (f0_train - y_mu) / y_sd
y_val = (f0_val - y_mu) / y_sd

model = nn.Sequential(
    nn.Linear(X_train.shape[1], 256), nn.GELU(), nn.Dropout(0.1),
    nn.Linear(256, 128), nn.GELU(),
    nn.Linear(128, 1),
)

EPOCHS, BATCH = 30, 64
steps_per_epoch = math.ceil(len(X_train) / BATCH)
total_steps = EPOCHS * steps_per_epoch
warmup = 2 * steps_per_epoch


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total_steps - warmup)
    return 0.5 * (1 + math.cos(math.pi * progress))


opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
mse = nn.MSELoss()

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_train))
    acc_loss = 0.0
    for s in range(0, len(perm), BATCH):
        idx = perm[s:s + BATCH]
        opt.zero_grad()
        pred = model(X_train[idx]).squeeze(-1)
        loss = mse(pred, y_train[idx])
        loss.backward()
        opt.step()
        sched.step()
        acc_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pv = model(X_val).squeeze(-1)
        val_loss = mse(pv, y_val).item()
        mae_hz = (pv * y_sd + y_mu - f0_val).abs().mean().item()
    if epoch % 4 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch + 1:3d}  train_mse {acc_loss / len(X_train):.4f}  val_mse {val_loss:.4f}  "
              f"val_MAE {mae_hz:6.2f} Hz  lr {sched.get_last_lr()[0]:.2e}")

r2 = 1 - ((pv - y_val) ** 2).sum() / ((y_val - y_val.mean()) ** 2).sum()
print(f"validation R^2 = {r2.item():.4f}, MAE = {mae_hz:.2f} Hz")
