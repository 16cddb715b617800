"""Gearbox condition monitoring: classify 1-D vibration windows with a small MLP.

Recordings come from an accelerometer (units: g) sampled at 200 Hz over a
week-long test campaign. Three classes: healthy, shaft imbalance, tooth wear.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
rng = np.random.default_rng(7)

FS = 200.0
WIN = 96
N_REC = 1200


def acquire_campaign(n):
    t = np.arange(WIN) / FS
    X = np.empty((n, WIN), dtype=np.float32)
    y = rng.integers(0, 3, size=n)
    for i in range(n):
        progress = i / n  # campaign time: rig warms up, shaft speed and sensor gain creep
        f_shaft = 4.0 + 18.0 * progress
        gain = 1.0 + 4.0 * progress
        phase = rng.uniform(0, 2 * np.pi)
        sig = np.sin(2 * np.pi * f_shaft * t + phase)
        if y[i] == 1:
            sig += 0.8 * np.sin(2 * np.pi * 2 * f_shaft * t + 2 * phase)
        elif y[i] == 2:
            sig += 0.6 * np.sign(np.sin(2 * np.pi * 3 * f_shaft * t + phase))
        X[i] = gain * sig + 0.15 * rng.standard_normal(WIN)
    return X, y


class VibrationWindows(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X).unsqueeze(1)
        self.y = torch.from_numpy(y).long()

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"signal": self.X[i], "label": self.y[i]}


X, y = acquire_campaign(N_REC)
n_train = int(0.8 * N_REC)
X_tr, y_tr = X[:n_train], y[:n_train]
X_va, y_va = X[n_train:], y[n_train:]

mu, sd = X_tr.mean(), X_tr.std()
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd

train_dl = DataLoader(VibrationWindows(X_tr, y_tr), batch_size=64, shuffle=True)
val_dl = DataLoader(VibrationWindows(X_va, y_va), batch_size=256)


class VibNet(nn.Module):
    def __init__(self, n_cls=3):
        super().__init__()
        self.body = nn.Sequential(
            nn.Flatten(),
            nn.Linear(WIN, 128), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(128, 64), nn.ReLU(),
        )
        self.head = nn.Linear(64, n_cls)

    def forward(self, x):
        return self.head(self.body(x))


model = VibNet()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
crit = nn.CrossEntropyLoss()

for epoch in range(15):
    model.train()
    tot, n = 0.0, 0
    for batch in train_dl:
        opt.zero_grad()
        out = model(batch["signal"])
        loss = crit(out, batch["label"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        tot += loss.item() * len(batch["label"])
        n += len(batch["label"])
    model.eval()
    correct, m = 0, 0
    with torch.no_grad():
        for batch in val_dl:
            pred = model(batch["signal"]).argmax(1)
            correct += (pred == batch["label"]).sum().item()
            m += len(batch["label"])
    print(f"epoch {epoch + 1:2d}  train loss {tot / n:.4f}  val acc {correct / m:.3f}")

print(f"final validation accuracy: {correct / m:.3f}")
