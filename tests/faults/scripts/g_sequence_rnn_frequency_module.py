"""Classify noisy generated sequences by their dominant frequency band with an Elman RNN.

Lightning-flavoured: SequenceModule has training_step / validation_step / configure_optimizers,
fit() drives it, a GradNormMonitor callback logs the global gradient norm each epoch.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SEQ_LEN = 60
HIDDEN = 64


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def generate(n, rng):
    t = np.arange(SEQ_LEN, dtype=np.float32)
    y = rng.integers(0, 3, size=n)
    base = np.array([0.05, 0.12, 0.25])[y][:, None]
    freq = base * rng.uniform(0.85, 1.15, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    x = np.sin(2 * np.pi * freq * t[None] + phase) + rng.normal(0, 0.4, size=(n, SEQ_LEN))
    return x[..., None].astype(np.float32), y.astype(np.int64)


class Mean:
    def __init__(self):
        self.acc, self.n = 0.0, 0

    def update(self, v, n=1):
        self.acc += v * n
        self.n += n

    def compute(self):
        return self.acc / max(self.n, 1)


class GradNormMonitor:
    def __init__(self):
        self.epoch_norms = []

    def on_after_backward(self, module):
        sq = sum(p.grad.pow(2).sum().item() for p in module.parameters() if p.grad is not None)
        self.epoch_norms.append(math.sqrt(sq))

    def on_epoch_end(self, logs):
        logs["grad_norm"] = float(np.median(self.epoch_norms))
        self.epoch_norms = []


class SequenceModule(nn.Module):
    def __init__(self, n_classes=3, lr=1e-3):
        super().__init__()
        self.lr = lr
        self.rnn = nn.RNN(1, HIDDEN, batch_first=True, nonlinearity="tanh")
        self.classifier = nn.Linear(HIDDEN, n_classes)
        nn.init.normal_(self.rnn.weight_hh_l0, mean=0.0, std=0.3)
        nn.init.zeros_(self.rnn.bias_hh_l0)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.classifier(out.mean(dim=1))

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def fit(module, loaders, epochs, callbacks=()):
    train_loader, val_loader = loaders
    optimizer = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        train_loss = Mean()
        for batch in train_loader:
            optimizer.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            for cb in callbacks:
                cb.on_after_backward(module)
            optimizer.step()
            train_loss.update(loss.item(), len(batch[1]))

        module.eval()
        vl, va = Mean(), Mean()
        with torch.no_grad():
            for batch in val_loader:
                l, a = module.validation_step(batch)
                vl.update(l, len(batch[1]))
                va.update(a, len(batch[1]))
        logs = {"train_loss": train_loss.compute(), "val_loss": vl.compute(), "val_acc": va.compute()}
        for cb in callbacks:
            cb.on_epoch_end(logs)
        print(f"epoch {epoch + 1:2d} | " + " | ".join(f"{k} {v:.4g}" for k, v in logs.items()))
    return logs


def main():
    seed_everything(99)
    rng = np.random.default_rng(99)
    X_tr, y_tr = generate(1500, rng)
    X_va, y_va = generate(400, rng)
    mu, sd = X_tr.mean(), X_tr.std()
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd

    train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                              batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)), batch_size=200)

    module = SequenceModule(lr=2e-3)
    logs = fit(module, (train_loader, val_loader), epochs=12, callbacks=[GradNormMonitor()])
    print(f"final val accuracy {logs['val_acc']:.4f}")


if __name__ == "__main__":
    main()
