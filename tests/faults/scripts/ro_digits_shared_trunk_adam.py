"""Digits: one shared trunk, three heads (digit class, parity, ink density)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

digits = load_digits()
X = digits.data.astype(np.float32)
y_digit = digits.target.astype(np.int64)
y_parity = (y_digit % 2).astype(np.int64)
y_ink = (X > 8).mean(axis=1).astype(np.float32)

idx_tr, idx_va = train_test_split(np.arange(len(X)), test_size=0.25,
                                  random_state=0, stratify=y_digit)
mu, sd = X[idx_tr].mean(0), X[idx_tr].std(0) + 1e-6
X = (X - mu) / sd
ink_mu, ink_sd = y_ink[idx_tr].mean(), y_ink[idx_tr].std()
y_ink = (y_ink - ink_mu) / ink_sd


class DigitTasks(Dataset):
    def __init__(self, idx):
        self.x = torch.from_numpy(X[idx])
        self.digit = torch.from_numpy(y_digit[idx])
        self.parity = torch.from_numpy(y_parity[idx])
        self.ink = torch.from_numpy(y_ink[idx])

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"x": self.x[i], "digit": self.digit[i],
                "parity": self.parity[i], "ink": self.ink[i]}


train_loader = DataLoader(DigitTasks(idx_tr), batch_size=32, shuffle=True)
val_loader = DataLoader(DigitTasks(idx_va), batch_size=256)


class MultiHeadNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(64, 128), nn.ReLU(),
                                   nn.Linear(128, 64), nn.ReLU())
        self.digit = nn.Linear(64, 10)
        self.parity = nn.Linear(64, 2)
        self.ink = nn.Linear(64, 1)

    def forward(self, x):
        h = self.trunk(x)
        return {"digit": self.digit(h), "parity": self.parity(h),
                "ink": self.ink(h).squeeze(-1)}


model = MultiHeadNet()
task_weights = {"digit": 1.0, "parity": 0.5, "ink": 0.2}
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)


def task_losses(out, batch):
    return {"digit": F.cross_entropy(out["digit"], batch["digit"]),
            "parity": F.cross_entropy(out["parity"], batch["parity"]),
            "ink": F.mse_loss(out["ink"], batch["ink"])}


for epoch in range(30):
    model.train()
    running, n = 0.0, 0
    for batch in train_loader:
        optimizer.zero_grad()
        out = model(batch["x"])
        losses = task_losses(out, batch)
        loss = sum(task_weights[k] * v for k, v in losses.items())
        loss.backward()
        optimizer.step()
        running += loss.item() * len(batch["x"])
        n += len(batch["x"])

    model.eval()
    correct_d = correct_p = 0
    ink_err = 0.0
    with torch.no_grad():
        for batch in val_loader:
            out = model(batch["x"])
            correct_d += (out["digit"].argmax(1) == batch["digit"]).sum().item()
            correct_p += (out["parity"].argmax(1) == batch["parity"]).sum().item()
            ink_err += F.mse_loss(out["ink"], batch["ink"], reduction="sum").item()
    nv = len(idx_va)
    print(f"epoch {epoch:2d}  train loss {running / n:.4f}  val digit acc {correct_d / nv:.3f}"
          f"  parity acc {correct_p / nv:.3f}  ink mse {ink_err / nv:.3f}")

print(f"final val digit accuracy: {correct_d / nv:.3f}")
