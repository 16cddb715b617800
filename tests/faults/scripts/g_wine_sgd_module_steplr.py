import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed=42):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class LearningRateLogger:
    def __init__(self):
        self.lrs = []

    def on_train_epoch_end(self, module, optimizer, epoch, metrics):
        self.lrs.append(optimizer.param_groups[0]["lr"])
        metrics["lr"] = self.lrs[-1]


class History:
    def __init__(self):
        self.rows = []

    def on_train_epoch_end(self, module, optimizer, epoch, metrics):
        self.rows.append(dict(metrics))
        print(f"epoch {epoch:2d} " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()))


class WineNet(nn.Module):
    def __init__(self, n_in=13, n_out=3):
        super().__init__()
        self.fc1 = nn.Linear(n_in, 64)
        self.fc2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, n_out)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


class WineTask(nn.Module):
    def __init__(self, lr, momentum=0.9):
        super().__init__()
        self.model = WineNet()
        self.lr, self.momentum = lr, momentum

    def forward(self, x):
        return self.model(x)

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        return F.cross_entropy(logits, y, reduction="sum").item(), (logits.argmax(1) == y).sum().item()

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=self.lr, momentum=self.momentum, nesterov=True)
        return opt, torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.5)


def fit(module, loaders, epochs, callbacks):
    train_loader, val_loader = loaders
    optimizer, scheduler = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        losses = []
        for batch in train_loader:
            optimizer.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        module.eval()
        vloss, vcorrect = 0.0, 0
        with torch.no_grad():
            for batch in val_loader:
                l, c = module.validation_step(batch)
                vloss += l
                vcorrect += c
        n = len(val_loader.dataset)
        metrics = {"train_loss": float(np.mean(losses)), "val_loss": vloss / n, "val_acc": vcorrect / n}
        for cb in callbacks:
            cb.on_train_epoch_end(module, optimizer, epoch, metrics)
        scheduler.step()
    return metrics


def main():
    seed_everything(42)
    X, y = load_wine(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

    def loader(a, b, **kw):
        ds = TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.long))
        return DataLoader(ds, **kw)

    train_loader = loader(X_train, y_train, batch_size=16, shuffle=True)
    val_loader = loader(X_val, y_val, batch_size=64)

    task = WineTask(lr=2.5)
    metrics = fit(task, (train_loader, val_loader), epochs=40,
                  callbacks=[LearningRateLogger(), History()])
    print(f"final val_acc={metrics['val_acc']:.4f} val_loss={metrics['val_loss']:.4f}")


if __name__ == "__main__":
    main()
