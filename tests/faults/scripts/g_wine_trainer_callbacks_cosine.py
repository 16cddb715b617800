import math

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 11


def seed_everything(seed):
    np.random.seed(seed)
    torch.manual_seed(seed)


class Callback:
    def on_train_start(self, trainer, module): ...
    def on_epoch_end(self, trainer, module, logs): ...


class LRLogger(Callback):
    def __init__(self):
        self.history = []

    def on_epoch_end(self, trainer, module, logs):
        self.history.append(trainer.optimizer.param_groups[0]["lr"])
        logs["lr"] = self.history[-1]


class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", patience=8, min_delta=1e-4):
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.best, self.wait = math.inf, 0
        self.best_state = None

    def on_epoch_end(self, trainer, module, logs):
        value = logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            self.best_state = {k: v.clone() for k, v in module.state_dict().items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.should_stop = True


class WineClassifier(nn.Module):
    def __init__(self, in_features, n_classes, lr=2e-3, max_epochs=60):
        super().__init__()
        self.lr, self.max_epochs = lr, max_epochs
        self.body = nn.Sequential(
            nn.Linear(in_features, 64), nn.GELU(), nn.Dropout(0.3),
            nn.Linear(64, 32), nn.GELU(), nn.Dropout(0.3),
        )
        self.head = nn.Linear(32, n_classes)
        self.criterion = nn.CrossEntropyLoss()

    def forward(self, x):
        return self.head(self.body(x))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.criterion(self(x), y)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        return {"loss": self.criterion(logits, y).item() * len(y),
                "correct": (logits.argmax(-1) == y).sum().item(), "n": len(y)}

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.lr, weight_decay=0.01)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.max_epochs, eta_min=1e-5)
        return optimizer, scheduler


class Trainer:
    def __init__(self, max_epochs, callbacks=()):
        self.max_epochs = max_epochs
        self.callbacks = list(callbacks)
        self.should_stop = False

    def fit(self, module, train_loader, val_loader):
        self.optimizer, self.scheduler = module.configure_optimizers()
        for cb in self.callbacks:
            cb.on_train_start(self, module)
        for epoch in range(self.max_epochs):
            module.train()
            running, seen = 0.0, 0
            for i, batch in enumerate(train_loader):
                self.optimizer.zero_grad(set_to_none=True)
                loss = module.training_step(batch, i)
                loss.backward()
                self.optimizer.step()
                running += loss.item() * len(batch[0])
                seen += len(batch[0])

            module.eval()
            outs = []
            with torch.no_grad():
                for i, batch in enumerate(val_loader):
                    outs.append(module.validation_step(batch, i))
            n = sum(o["n"] for o in outs)
            logs = {"train_loss": running / seen,
                    "val_loss": sum(o["loss"] for o in outs) / n,
                    "val_acc": sum(o["correct"] for o in outs) / n}
            self.scheduler.step()
            for cb in self.callbacks:
                cb.on_epoch_end(self, module, logs)
            print(f"[{epoch:3d}] " + "  ".join(f"{k}={v:.4g}" for k, v in logs.items()))
            if self.should_stop:
                print(f"early stopping at epoch {epoch}")
                break
        return logs


def main():
    seed_everything(SEED)
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=SEED, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

    to_ds = lambda a, b: TensorDataset(torch.as_tensor(a, dtype=torch.float32), torch.as_tensor(b, dtype=torch.long))
    train_loader = DataLoader(to_ds(X_tr, y_tr), batch_size=16, shuffle=True)
    val_loader = DataLoader(to_ds(X_va, y_va), batch_size=64)

    model = WineClassifier(X.shape[1], 3, max_epochs=60)
    stopper = EarlyStopping(patience=10)
    trainer = Trainer(max_epochs=60, callbacks=[LRLogger(), stopper])
    trainer.fit(model, train_loader, val_loader)

    model.load_state_dict(stopper.best_state)
    model.eval()
    with torch.no_grad():
        logits = model(torch.as_tensor(X_va, dtype=torch.float32))
    acc = (logits.argmax(1).numpy() == y_va).mean()
    print(f"best val_loss {stopper.best:.4f}  restored-model val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
