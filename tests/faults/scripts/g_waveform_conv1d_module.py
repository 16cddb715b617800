#!/usr/bin/env python
# Waveform-shape classification (sine / square / sawtooth / triangle) on generated sequences.
# Hand-rolled "lightning" loop: module hooks + fit(), LR monitor + checkpoint-on-best callbacks.
import copy
import random

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed=1234):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_waveforms(n, length=64, rng=None):
    rng = rng or np.random.default_rng(0)
    t = np.linspace(0, 1, length, endpoint=False)
    labels = rng.integers(0, 4, size=n)
    freq = rng.uniform(2.0, 6.0, size=(n, 1))
    phase = rng.uniform(0, 1, size=(n, 1))
    amp = rng.uniform(0.5, 1.5, size=(n, 1))
    x = (freq * t[None, :] + phase) % 1.0
    sine = np.sin(2 * np.pi * x)
    square = np.where(x < 0.5, 1.0, -1.0)
    saw = 2 * x - 1
    tri = 2 * np.abs(2 * x - 1) - 1
    waves = np.stack([sine, square, saw, tri], axis=1)[np.arange(n), labels]
    waves = amp * waves + rng.normal(0, 0.35, size=waves.shape)
    return waves.astype(np.float32), labels.astype(np.int64)


class MeanMetric:
    def __init__(self):
        self.s, self.n = 0.0, 0

    def __call__(self, v, n=1):
        self.s += float(v) * n
        self.n += n

    @property
    def value(self):
        return self.s / max(1, self.n)


class LRMonitor:
    def on_epoch_end(self, state):
        state["log"]["lr"] = state["optimizer"].param_groups[0]["lr"]


class KeepBest:
    def __init__(self, key="val_acc"):
        self.key, self.best, self.state = key, -1.0, None

    def on_epoch_end(self, state):
        if state["log"][self.key] > self.best:
            self.best = state["log"][self.key]
            self.state = copy.deepcopy(state["module"].state_dict())


class WaveNetModule(nn.Module):
    def __init__(self, n_classes=4, channels=32, lr=3e-3, epochs=15):
        super().__init__()
        self.lr, self.epochs = lr, epochs
        self.features = nn.Sequential(
            nn.Conv1d(1, channels, 7, padding=3), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(channels, channels, 5, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(channels, channels, 3, padding=1), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(channels, n_classes)

    def forward(self, x):
        h = self.features(x.unsqueeze(1)).flatten(1)
        return self.fc(self.drop(h))

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch):
        x, y = batch
        out = self(x)
        return F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item(), len(y)

    def configure_optimizers(self):
        opt = torch.optim.Adam(self.parameters(), lr=self.lr)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[8, 12], gamma=0.3)
        return opt, sched


def fit(module, loaders, epochs, callbacks=()):
    train_dl, val_dl = loaders
    optimizer, scheduler = module.configure_optimizers()
    state = {"module": module, "optimizer": optimizer}
    for epoch in range(epochs):
        module.train()
        tl = MeanMetric()
        for batch in train_dl:
            optimizer.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), max_norm=2.0)
            optimizer.step()
            tl(loss.item(), len(batch[1]))
        scheduler.step()

        module.eval()
        vl, va = MeanMetric(), MeanMetric()
        with torch.no_grad():
            for batch in val_dl:
                l, a, n = module.validation_step(batch)
                vl(l, n)
                va(a, n)
        state["log"] = {"train_loss": tl.value, "val_loss": vl.value, "val_acc": va.value}
        for cb in callbacks:
            cb.on_epoch_end(state)
        print(f"Epoch {epoch:2d}: " + ", ".join(f"{k} {v:.4f}" for k, v in state["log"].items()))


def main():
    seed_everything(1234)
    rng = np.random.default_rng(1234)
    X_tr, y_tr = make_waveforms(2400, rng=rng)
    X_va, y_va = make_waveforms(600, rng=rng)
    mu, sd = X_tr.mean(), X_tr.std()
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd

    train_dl = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)), batch_size=64, shuffle=True)
    val_dl = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)), batch_size=200)

    module = WaveNetModule(epochs=15)
    best = KeepBest()
    fit(module, (train_dl, val_dl), epochs=15, callbacks=[LRMonitor(), best])
    print(f"best val_acc {best.best:.4f}")


if __name__ == "__main__":
    main()
