import copy
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class HParams:
    seed: int = 17
    epochs: int = 30
    batch_size: int = 32
    lr: float = 0.05
    momentum: float = 0.995
    weight_decay: float = 5e-4
    ema_decay: float = 0.95


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class ModelEMA:
    def __init__(self, model, decay):
        self.module = copy.deepcopy(model).eval()
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for e, m in zip(self.module.state_dict().values(), model.state_dict().values()):
            if e.dtype.is_floating_point:
                e.mul_(self.decay).add_(m, alpha=1.0 - self.decay)
            else:
                e.copy_(m)


class BinaryAUCish:
    """Accuracy + balanced accuracy accumulator."""

    def __init__(self):
        self.preds, self.targets = [], []

    def update(self, logits, y):
        self.preds.append((logits > 0).long())
        self.targets.append(y.long())

    def compute(self):
        p, t = torch.cat(self.preds), torch.cat(self.targets)
        acc = (p == t).float().mean().item()
        bal = 0.5 * ((p[t == 1] == 1).float().mean() + (p[t == 0] == 0).float().mean()).item()
        return acc, bal


class BinaryModule(nn.Module):
    def __init__(self, n_in, hp: HParams):
        super().__init__()
        self.hp = hp
        self.layers = nn.Sequential(
            nn.Linear(n_in, 64), nn.ReLU(),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, 1),
        )

    def forward(self, x):
        return self.layers(x).squeeze(1)

    def training_step(self, batch):
        x, y = batch
        return F.binary_cross_entropy_with_logits(self(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hp.lr, momentum=self.hp.momentum,
                               weight_decay=self.hp.weight_decay)


def run_validation(model, loader):
    metric, total, n = BinaryAUCish(), 0.0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += F.binary_cross_entropy_with_logits(logits, y, reduction="sum").item()
            n += len(y)
            metric.update(logits, y)
    return total / n, *metric.compute()


def fit(module, loaders, epochs):
    train_loader, val_loader = loaders
    opt = module.configure_optimizers()
    ema = ModelEMA(module, module.hp.ema_decay)
    for epoch in range(epochs):
        module.train()
        running = []
        for batch in train_loader:
            opt.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            opt.step()
            ema.update(module)
            running.append(loss.item())
        module.eval()
        raw = run_validation(module, val_loader)
        smoothed = run_validation(ema.module, val_loader)
        print(f"epoch {epoch:2d} train_loss {np.mean(running):.4f} | val_loss {raw[0]:.4f} val_acc {raw[1]:.3f} "
              f"| ema val_loss {smoothed[0]:.4f} ema val_acc {smoothed[1]:.3f}")
    return smoothed


def main():
    hp = HParams()
    seed_everything(hp.seed)
    X, y = make_classification(n_samples=2000, n_features=16, n_informative=8, n_redundant=2,
                               flip_y=0.02, class_sep=1.0, random_state=hp.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=hp.seed, stratify=y)
    m, s = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - m) / s, (X_va - m) / s

    ds = lambda a, b: TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32))
    train_loader = DataLoader(ds(X_tr, y_tr), batch_size=hp.batch_size, shuffle=True)
    val_loader = DataLoader(ds(X_va, y_va), batch_size=256)

    module = BinaryModule(X.shape[1], hp)
    loss, acc, bal = fit(module, (train_loader, val_loader), hp.epochs)
    print(f"final (EMA) val_loss {loss:.4f} val_acc {acc:.4f} balanced_acc {bal:.4f}")


if __name__ == "__main__":
    main()
