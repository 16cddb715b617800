import tempfile
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)


class AverageMeter:
    def __init__(self):
        self.sum = 0.0
        self.count = 0

    def reset(self):
        self.sum, self.count = 0.0, 0

    def add(self, value, n):
        self.sum += value * n
        self.count += n

    @property
    def avg(self):
        return self.sum / self.count if self.count else float("nan")


class BinaryAccuracy(AverageMeter):
    def add_batch(self, logits, y):
        pred = (logits > 0).float()
        self.add((pred == y).float().mean().item(), len(y))


class MoonsNet(nn.Module):
    def __init__(self, hparams):
        super().__init__()
        self.hparams = hparams
        w = hparams["width"]
        self.layers = nn.Sequential(
            nn.Linear(2, w), nn.BatchNorm1d(w), nn.ReLU(),
            nn.Linear(w, w), nn.BatchNorm1d(w), nn.ReLU(),
            nn.Linear(w, 1),
        )
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.loss_meter, self.val_acc = AverageMeter(), BinaryAccuracy()

    def forward(self, x):
        return self.layers(x).squeeze(1)

    def training_step(self, batch, idx):
        x, y = batch
        loss = self.loss_fn(self(x), y)
        self.loss_meter.add(loss.item(), len(y))
        return loss

    def validation_step(self, batch, idx):
        x, y = batch
        self.val_acc.add_batch(self(x), y)

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams["lr"], weight_decay=1e-2)
        return opt


class Checkpoint:
    def __init__(self, dirpath):
        self.dirpath, self.best = dirpath, -1.0

    def on_validation_end(self, module, epoch):
        if module.val_acc.avg > self.best:
            self.best = module.val_acc.avg
            torch.save(module.state_dict(), f"{self.dirpath}/best.pt")


class MiniTrainer:
    def __init__(self, epochs, callbacks):
        self.epochs, self.callbacks = epochs, callbacks

    def fit(self, module, train_loader, val_loader):
        opt = module.configure_optimizers()
        for epoch in range(self.epochs):
            module.loss_meter.reset(); module.val_acc.reset()
            module.train()
            for i, batch in enumerate(train_loader):
                opt.zero_grad()
                loss = module.training_step(batch, i)
                loss.backward()
                opt.step()
            module.eval()
            with torch.no_grad():
                for i, batch in enumerate(val_loader):
                    module.validation_step(batch, i)
            for cb in self.callbacks:
                cb.on_validation_end(module, epoch)
            print(f"epoch {epoch + 1}/{self.epochs}  loss {module.loss_meter.avg:.4f}  val_acc {module.val_acc.avg:.4f}")


X, y = make_moons(n_samples=1000, noise=0.2, random_state=SEED)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=199, random_state=SEED)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_val = (X_train - mean) / std, (X_val - mean) / std

train_ds = TensorDataset(torch.from_numpy(X_train).float(), torch.from_numpy(y_train).float())
val_ds = TensorDataset(torch.from_numpy(X_val).float(), torch.from_numpy(y_val).float())
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=128)

module = MoonsNet({"width": 32, "lr": 3e-3})
with tempfile.TemporaryDirectory() as tmp:
    ckpt = Checkpoint(tmp)
    MiniTrainer(epochs=20, callbacks=[ckpt]).fit(module, train_loader, val_loader)
    print(f"best val_acc {ckpt.best:.4f}")
