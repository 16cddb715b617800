import numpy as np
import torch
import torch.nn as nn

SEED = 9
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)

# ---- synthetic AR(2) + seasonal series -------------------------------------
T = 900
rng = np.random.default_rng(SEED)
e = rng.normal(0, 0.3, T)
y = np.zeros(T)
for t in range(2, T):
    y[t] = 1.2 * y[t - 1] - 0.45 * y[t - 2] + e[t]
y = y + 2.0 * np.sin(2 * np.pi * np.arange(T) / 30) + 20.0

ENC, DEC = 40, 10
split = 650
train_mean, train_std = y[:split].mean(), y[:split].std()
z = (y - train_mean) / train_std


def make_windows(arr, lo, hi, step=1):
    X, Y = [], []
    for i in range(lo, hi - ENC - DEC + 1, step):
        X.append(arr[i:i + ENC])
        Y.append(arr[i + ENC:i + ENC + DEC])
    return (torch.tensor(np.array(X), dtype=torch.float32).unsqueeze(-1),
            torch.tensor(np.array(Y), dtype=torch.float32))


X_train, Y_train = make_windows(z, 0, split)
X_val, Y_val = make_windows(z, split - ENC, T)
print("train", tuple(X_train.shape), "val", tuple(X_val.shape))


class Seq2Seq(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.encoder = nn.GRU(1, hidden, batch_first=True)
        self.decoder = nn.GRUCell(1, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x, horizon=DEC):
        _, h = self.encoder(x)
        h = h[0]
        inp = x[:, -1, :]
        outs = []
        for _ in range(horizon):
            h = self.decoder(inp, h)
            step = self.out(h)
            outs.append(step)
            inp = step
        return torch.cat(outs, dim=1)


net = Seq2Seq()
optimizer = torch.optim.Adam(net.parameters(), lr=5e-3)
lr_sched = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2, min_lr=1e-4)
loss_fn = nn.MSELoss()

batch_size = 32
best_val, best_state, bad_epochs, patience = float("inf"), None, 0, 6

for epoch in range(1, 41):
    net.train()
    perm = torch.randperm(len(X_train))
    running = 0.0
    for i in range(0, len(perm), batch_size):
        idx = perm[i:i + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(net(X_train[idx]), Y_train[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
        optimizer.step()
        running += loss.item() * len(idx)
    train_loss = running / len(X_train)

    net.eval()
    with torch.no_grad():
        val_loss = loss_fn(net(X_val), Y_val).item()
    lr_sched.step(val_loss)
    print(f"[{epoch:02d}] train {train_loss:.4f} | val {val_loss:.4f} | lr {optimizer.param_groups[0]['lr']:.1e}")

    if val_loss < best_val - 1e-4:
        best_val, bad_epochs = val_loss, 0
        best_state = {k: v.clone() for k, v in net.state_dict().items()}
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    pred = net(X_val) * train_std + train_mean
truth = Y_val * train_std + train_mean
naive = X_val[:, -1, :] * train_std + train_mean
mae = (pred - truth).abs().mean().item()
rmse = ((pred - truth) ** 2).mean().sqrt().item()
naive_mae = (naive - truth).abs().mean().item()
smape = (200 * (pred - truth).abs() / (pred.abs() + truth.abs())).mean().item()
print(f"val MAE {mae:.3f}  RMSE {rmse:.3f}  sMAPE {smape:.2f}%  | naive MAE {naive_mae:.3f}")
