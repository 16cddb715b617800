"""AM / FM / band-noise / silence-with-hiss classifier, written as a small Trainer.

Log spectrogram (torch.stft), 2-D CNN with dropout, SGD + Nesterov momentum,
gradient accumulation over 2 micro-batches, StepLR stepped per epoch.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class Config:
    seed: int = 17
    sr: int = 8000
    n: int = 1024
    n_train: int = 1600
    n_val: int = 400
    micro_batch: int = 32
    accum_steps: int = 2
    epochs: int = 12
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4


cfg = Config()
torch.manual_seed(cfg.seed)
rng = np.random.default_rng(cfg.seed)


def make_signal(kind):
    t = np.arange(cfg.n) / cfg.sr
    fc = rng.uniform(600, 2400)
    if kind == 0:    # AM
        s = (1 + 0.9 * np.sin(2 * np.pi * rng.uniform(15, 40) * t)) * np.sin(2 * np.pi * fc * t)
    elif kind == 1:  # FM
        s = np.sin(2 * np.pi * fc * t + rng.uniform(8, 20) * np.sin(2 * np.pi * rng.uniform(15, 40) * t))
    elif kind == 2:  # band-limited noise
        w = rng.normal(0, 1, cfg.n)
        W = np.fft.rfft(w)
        f = np.fft.rfftfreq(cfg.n, 1 / cfg.sr)
        W[np.abs(f - fc) > 150] = 0
        s = np.fft.irfft(W, cfg.n)
        s = s / (s.std() + 1e-8)
    else:            # hiss only
        s = np.zeros(cfg.n)
    return rng.uniform(0.5, 1.0) * s + rng.normal(0, 0.4, cfg.n)


def dataset(m):
    y = rng.integers(0, 4, m)
    x = torch.tensor(np.stack([make_signal(k) for k in y]), dtype=torch.float32)
    spec = torch.stft(x, 128, 32, window=torch.hann_window(128), return_complex=True).abs()
    return torch.log(spec + 1e-5).unsqueeze(1), torch.tensor(y)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d((4, 1)), nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(128, 4))

    def forward(self, x):
        return self.head(self.f(x))


class Trainer:
    def __init__(self, model, train_dl, val_dl):
        self.model, self.train_dl, self.val_dl = model, train_dl, val_dl
        self.opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                                   nesterov=True, weight_decay=cfg.weight_decay)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=4, gamma=0.5)

    def train_epoch(self):
        self.model.train()
        self.opt.zero_grad()
        total, count = 0.0, 0
        for i, (xb, yb) in enumerate(self.train_dl):
            loss = F.cross_entropy(self.model(xb), yb)
            (loss / cfg.accum_steps).backward()
            if (i + 1) % cfg.accum_steps == 0 or (i + 1) == len(self.train_dl):
                self.opt.step()
                self.opt.zero_grad()
            total += loss.item() * len(yb)
            count += len(yb)
        self.sched.step()
        return total / count

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        correct, total, loss = 0, 0, 0.0
        for xb, yb in self.val_dl:
            out = self.model(xb)
            loss += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            total += len(yb)
        return loss / total, correct / total

    def fit(self):
        for ep in range(cfg.epochs):
            tl = self.train_epoch()
            vl, va = self.evaluate()
            print(f"Epoch {ep + 1:02d}/{cfg.epochs}  train_loss={tl:.4f}  val_loss={vl:.4f}  "
                  f"val_acc={va:.4f}  lr={self.sched.get_last_lr()[0]:.4f}")
        return va


Xtr, Ytr = dataset(cfg.n_train)
Xva, Yva = dataset(cfg.n_val)
mu, sd = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - mu) / sd, (Xva - mu) / sd

trainer = Trainer(
    Net(),
    DataLoader(TensorDataset(Xtr, Ytr), batch_size=cfg.micro_batch, shuffle=True),
    DataLoader(TensorDataset(Xva, Yva), batch_size=200),
)
acc = trainer.fit()
print(f"Validation accuracy: {acc:.4f}")
