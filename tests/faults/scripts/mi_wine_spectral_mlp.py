#!/usr/bin/env python
"""Wine cultivar classifier with spectrally-normalised initial weights.

Each weight matrix is drawn at random, then divided by its largest singular
value (computed with torch.linalg.svd) and rescaled to a target spectral norm.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split


@dataclass
class Config:
    hidden: int = 96
    spectral_gain: float = 1.5
    bias_init: float = -3.0
    lr: float = 0.05
    momentum: float = 0.9
    epochs: int = 60
    batch_size: int = 16
    seed: int = 1


cfg = Config()
torch.manual_seed(cfg.seed)
np.random.seed(cfg.seed)
torch.set_num_threads(1)


def spectral_matrix(rows, cols, gain):
    w = torch.randn(rows, cols)
    top = torch.linalg.svd(w, full_matrices=False).S[0]
    return w * (gain / top)


class SpectralMLP(nn.Module):
    def __init__(self, d_in, hidden, n_out):
        super().__init__()
        self.W1 = nn.Parameter(spectral_matrix(hidden, d_in, cfg.spectral_gain))
        self.b1 = nn.Parameter(torch.full((hidden,), cfg.bias_init))
        self.W2 = nn.Parameter(spectral_matrix(hidden, hidden, cfg.spectral_gain))
        self.b2 = nn.Parameter(torch.zeros(hidden))
        self.W3 = nn.Parameter(spectral_matrix(n_out, hidden, 0.5))
        self.b3 = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        h = F.relu(x @ self.W1.T + self.b1)
        h = F.relu(h @ self.W2.T + self.b2)
        return h @ self.W3.T + self.b3


def main():
    X, y = load_wine(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, stratify=y, random_state=cfg.seed)
    m, s = Xtr.mean(axis=0), Xtr.std(axis=0)
    Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
    Xtr, Xva = map(lambda a: torch.as_tensor(a, dtype=torch.float32), (Xtr, Xva))
    ytr, yva = map(lambda a: torch.as_tensor(a, dtype=torch.long), (ytr, yva))

    model = SpectralMLP(Xtr.shape[1], cfg.hidden, 3)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(Xtr, ytr), batch_size=cfg.batch_size, shuffle=True
    )

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        if epoch % 10 == 9:
            model.eval()
            with torch.no_grad():
                va_loss = F.cross_entropy(model(Xva), yva).item()
                va_acc = (model(Xva).argmax(1) == yva).float().mean().item()
            print(f"[{epoch + 1:03d}/{cfg.epochs}] train_loss={np.mean(losses):.4f} "
                  f"val_loss={va_loss:.4f} val_acc={va_acc:.3f}")

    model.eval()
    with torch.no_grad():
        tr_acc = (model(Xtr).argmax(1) == ytr).float().mean().item()
        va_acc = (model(Xva).argmax(1) == yva).float().mean().item()
    print(f"final: train_acc={tr_acc:.3f} val_acc={va_acc:.3f}")


if __name__ == "__main__":
    main()
