# Day-ahead style forecaster for a feeder's electrical load (MW).
# Inputs: last 36 hourly readings; targets: next 6 hours. Trained with Huber
# loss, RMSprop, ReduceLROnPlateau on the validation loss and early stopping.
import copy
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(17)
rng = np.random.default_rng(17)

IN_H, OUT_H = 36, 6


def feeder_load(hours):
    h = np.arange(hours)
    noise = np.zeros(hours)
    for k in range(1, hours):
        noise[k] = 0.85 * noise[k - 1] + rng.normal(0, 0.4)
    daily = 3.0 * np.sin(2 * np.pi * (h - 7) / 24) + 1.2 * np.sin(4 * np.pi * h / 24)
    weekly = 1.5 * (np.floor(h / 24) % 7 >= 5)
    return 25.0 + daily - weekly + noise


def make_windows(z):
    t = torch.as_tensor(z, dtype=torch.float32)
    w = t.unfold(0, IN_H + OUT_H, 1)
    return w[:, :IN_H], w[:, IN_H:]


load = feeder_load(3000)
cut = 2400
mw_mean, mw_std = load[:cut].mean(), load[:cut].std()
z = (load - mw_mean) / mw_std
x_train, y_train = make_windows(z[:cut])
x_val, y_val = make_windows(z[cut:])

net = nn.Sequential(
    nn.Linear(IN_H, 96), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(96, 96), nn.ReLU(),
    nn.Linear(96, OUT_H),
)
opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.99, weight_decay=1e-5)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
criterion = nn.HuberLoss(delta=1.0)

best_val, best_state, bad_epochs, patience = float("inf"), None, 0, 4
for epoch in range(25):
    net.train()
    perm = torch.randperm(len(x_train))
    tr_loss = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = criterion(net(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        tr_loss += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        val_pred = net(x_val)
        val_loss = criterion(val_pred, y_val).item()
        val_mae_mw = (val_pred - y_val).abs().mean().item() * mw_std
    plateau.step(val_loss)
    print(f"epoch {epoch + 1:2d}  train {tr_loss / len(x_train):.4f}  val {val_loss:.4f}  "
          f"val MAE {val_mae_mw:.3f} MW  lr {opt.param_groups[0]['lr']:.1e}")
    if val_loss < best_val - 1e-4:
        best_val, best_state, bad_epochs = val_loss, copy.deepcopy(net.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print("early stopping")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    mae = (net(x_val) - y_val).abs().mean().item() * mw_std
persistence = (x_val[:, -1:] - y_val).abs().mean().item() * mw_std
print(f"best model: val MAE {mae:.3f} MW (persistence baseline {persistence:.3f} MW)")
