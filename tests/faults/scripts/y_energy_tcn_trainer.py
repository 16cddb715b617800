import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(21)
np.random.seed(21)
torch.set_num_threads(1)


def generate_energy(n_hours=1500, seed=21):
    r = np.random.default_rng(seed)
    h = np.arange(n_hours)
    daily = 30 * np.sin(2 * np.pi * (h % 24) / 24 - 1.2) + 12 * np.sin(4 * np.pi * (h % 24) / 24)
    weekly = np.where((h // 24) % 7 >= 5, -18.0, 0.0)
    noise = np.convolve(r.normal(0, 4, n_hours), np.ones(3) / 3, mode="same")
    return 400 + daily + weekly + noise


class WindowDataset(Dataset):
    def __init__(self, series, hours, start, end, lookback=72, horizon=24):
        self.s, self.hours, self.lb, self.hz = series, hours, lookback, horizon
        self.idx = np.arange(start, end - lookback - horizon + 1, 2)

    def __len__(self):
        return len(self.idx)

    def __getitem__(self, k):
        i = self.idx[k]
        hrs = self.hours[i:i + self.lb]
        x = np.stack([self.s[i:i + self.lb],
                      np.sin(2 * np.pi * (hrs % 24) / 24),
                      np.cos(2 * np.pi * (hrs % 24) / 24),
                      ((hrs // 24) % 7 >= 5).astype(np.float64)])
        y = self.s[i + self.lb:i + self.lb + self.hz]
        return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


class DilatedTCN(nn.Module):
    def __init__(self, c_in=4, ch=24, horizon=24, p_drop=0.3):
        super().__init__()
        layers = []
        c = c_in
        for d in (1, 2, 4, 8, 16):
            layers += [nn.ConstantPad1d((2 * d, 0), 0.0), nn.Conv1d(c, ch, 3, dilation=d),
                       nn.BatchNorm1d(ch), nn.ReLU(), nn.Dropout(p_drop)]
            c = ch
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(ch, horizon)

    def forward(self, x):
        return self.head(self.body(x)[:, :, -1])


class Trainer:
    def __init__(self, model, train_dl, val_dl, lr=2e-3, epochs=15):
        self.model, self.train_dl, self.val_dl, self.epochs = model, train_dl, val_dl, epochs
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=epochs)
        self.loss_fn = nn.L1Loss()

    def train_epoch(self):
        self.model.train()
        total, n = 0.0, 0
        for xb, yb in self.train_dl:
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            total += loss.item() * len(xb)
            n += len(xb)
        self.sched.step()
        return total / n

    def predict(self, dl):
        preds, ys = [], []
        with torch.no_grad():
            for xb, yb in dl:
                preds.append(self.model(xb))
                ys.append(yb)
        return torch.cat(preds), torch.cat(ys)

    def fit(self):
        for ep in range(1, self.epochs + 1):
            tr = self.train_epoch()
            p, y = self.predict(self.val_dl)
            print(f"epoch {ep:02d} | train MAE(z) {tr:.4f} | val MAE(z) {(p - y).abs().mean():.4f}")


series = generate_energy()
hours = np.arange(len(series))
split = 1100
mu, sd = series[:split].mean(), series[:split].std()
z = (series - mu) / sd

train_ds = WindowDataset(z, hours, 0, split)
val_ds = WindowDataset(z, hours, split - 72, len(z))
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=32, shuffle=False)
print(f"{len(train_ds)} train windows, {len(val_ds)} val windows")

trainer = Trainer(DilatedTCN(), train_dl, val_dl)
trainer.fit()

pred, tgt = trainer.predict(val_dl)
pred_kw, tgt_kw = pred * sd + mu, tgt * sd + mu
last = torch.stack([val_ds[k][0][0, -1] for k in range(len(val_ds))]) * sd + mu
naive = last.unsqueeze(1).expand_as(tgt_kw)
smape = (200 * (pred_kw - tgt_kw).abs() / (pred_kw.abs() + tgt_kw.abs())).mean()
print(f"val MAE {(pred_kw - tgt_kw).abs().mean():.2f} kW  sMAPE {smape:.2f}%")
print(f"naive last-value MAE {(naive - tgt_kw).abs().mean():.2f} kW")
