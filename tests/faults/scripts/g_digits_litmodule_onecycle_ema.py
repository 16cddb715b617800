"""Digits classifier: LightningModule-style module, OneCycle schedule, EMA weights for eval."""
import copy
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed: int = 0) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class RunningMean:
    def __init__(self):
        self.total, self.count = 0.0, 0

    def update(self, value: float, n: int = 1) -> None:
        self.total += value * n
        self.count += n

    def compute(self) -> float:
        return self.total / max(self.count, 1)


class EMA:
    def __init__(self, model: nn.Module, decay: float = 0.99):
        self.decay = decay
        self.shadow = copy.deepcopy(model)
        for p in self.shadow.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        for s, p in zip(self.shadow.parameters(), model.parameters()):
            s.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)
        for s, b in zip(self.shadow.buffers(), model.buffers()):
            s.copy_(b)


class DigitsModule(nn.Module):
    def __init__(self, n_in=64, n_classes=10, hidden=128, lr=3e-3, epochs=20, steps_per_epoch=1):
        super().__init__()
        self.hparams = dict(lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch)
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y)

    def validation_step(self, batch, model=None):
        x, y = batch
        logits = (model or self)(x)
        loss = F.cross_entropy(logits, y, reduction="sum")
        correct = (logits.argmax(1) == y).sum()
        return loss.item(), correct.item(), len(y)

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams["lr"], weight_decay=1e-2)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=self.hparams["lr"], epochs=self.hparams["epochs"],
            steps_per_epoch=self.hparams["steps_per_epoch"],
        )
        return opt, sched


def fit(module, train_loader, val_loader, epochs):
    opt, sched = module.configure_optimizers()
    ema = EMA(module, decay=0.98)
    for epoch in range(epochs):
        module.train()
        train_loss = RunningMean()
        for batch in train_loader:
            opt.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            opt.step()
            sched.step()
            ema.update(module)
            train_loss.update(loss.item(), len(batch[1]))

        ema.shadow.eval()
        tot_loss, tot_correct, tot_n = 0.0, 0, 0
        with torch.no_grad():
            for batch in val_loader:
                l, c, n = module.validation_step(batch, model=ema.shadow)
                tot_loss, tot_correct, tot_n = tot_loss + l, tot_correct + c, tot_n + n
        print(f"epoch {epoch + 1:02d}  lr {sched.get_last_lr()[0]:.2e}  "
              f"train_loss {train_loss.compute():.4f}  val_loss {tot_loss / tot_n:.4f}  "
              f"val_acc(ema) {tot_correct / tot_n:.4f}")
    return tot_correct / tot_n


def main():
    seed_everything(7)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=7)
    mean, std = X_tr.mean(0), X_tr.std(0) + 1e-6
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std

    train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr))
    val_ds = TensorDataset(torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va))
    train_loader = DataLoader(train_ds, batch_size=64, shuffle=True, drop_last=True)
    val_loader = DataLoader(val_ds, batch_size=256)

    epochs = 20
    module = DigitsModule(epochs=epochs, steps_per_epoch=len(train_loader))
    acc = fit(module, train_loader, val_loader, epochs)
    print(f"final validation accuracy (EMA weights): {acc:.4f}")


if __name__ == "__main__":
    main()
