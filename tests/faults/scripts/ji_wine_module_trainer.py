import math
import tempfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)


class RunningMean:
    def __init__(self):
        self.reset()

    def reset(self):
        self.total, self.n = 0.0, 0

    def update(self, v, n=1):
        self.total += float(v) * n
        self.n += n

    def compute(self):
        return self.total / max(self.n, 1)


class Accuracy:
    def __init__(self):
        self.reset()

    def reset(self):
        self.correct, self.n = 0, 0

    def update(self, logits, y):
        self.correct += (logits.argmax(1) == y).sum().item()
        self.n += y.numel()

    def compute(self):
        return self.correct / max(self.n, 1)


class WineClassifier(nn.Module):
    def __init__(self, hparams):
        super().__init__()
        self.hparams = hparams
        h = hparams["hidden"]
        self.net = nn.Sequential(
            nn.Linear(hparams["in_dim"], h), nn.ReLU(),
            nn.Linear(h, h), nn.ReLU(),
        )
        self.head = nn.Linear(h, hparams["n_classes"])
        nn.init.normal_(self.head.weight, mean=0.0, std=12.0)
        nn.init.constant_(self.head.bias, 0.0)
        self.train_loss, self.val_loss = RunningMean(), RunningMean()
        self.train_acc, self.val_acc = Accuracy(), Accuracy()

    def forward(self, x):
        return self.head(self.net(x))

    def training_step(self, batch):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        self.train_loss.update(loss.item(), len(y))
        self.train_acc.update(logits.detach(), y)
        return loss

    def validation_step(self, batch):
        x, y = batch
        logits = self(x)
        self.val_loss.update(F.cross_entropy(logits, y).item(), len(y))
        self.val_acc.update(logits, y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams["lr"])


class LRMonitor:
    def on_epoch_end(self, trainer, module):
        trainer.log["lr"] = trainer.optimizer.param_groups[0]["lr"]


class Trainer:
    def __init__(self, max_epochs, callbacks=()):
        self.max_epochs = max_epochs
        self.callbacks = list(callbacks)
        self.log = {}

    def fit(self, module, train_dl, val_dl):
        self.optimizer = module.configure_optimizers()
        for epoch in range(self.max_epochs):
            module.train()
            for m in (module.train_loss, module.train_acc, module.val_loss, module.val_acc):
                m.reset()
            for i, batch in enumerate(train_dl):
                self.optimizer.zero_grad()
                loss = module.training_step(batch)
                if epoch == 0 and i == 0:
                    print(f"first batch loss {loss.item():.3f} (ln C = {math.log(module.hparams['n_classes']):.3f})")
                loss.backward()
                self.optimizer.step()
            module.eval()
            with torch.no_grad():
                for batch in val_dl:
                    module.validation_step(batch)
            for cb in self.callbacks:
                cb.on_epoch_end(self, module)
            print(f"epoch {epoch:02d} train_loss {module.train_loss.compute():.4f} "
                  f"train_acc {module.train_acc.compute():.3f} val_loss {module.val_loss.compute():.4f} "
                  f"val_acc {module.val_acc.compute():.3f} lr {self.log['lr']:.1e}")


X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
to_t = lambda a, b: TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.long))
train_dl = DataLoader(to_t(X_tr, y_tr), batch_size=16, shuffle=True)
val_dl = DataLoader(to_t(X_va, y_va), batch_size=64)

hparams = {"in_dim": 13, "hidden": 64, "n_classes": 3, "lr": 1e-3}
model = WineClassifier(hparams)
with tempfile.TemporaryDirectory() as ckpt_dir:
    trainer = Trainer(max_epochs=15, callbacks=[LRMonitor()])
    trainer.fit(model, train_dl, val_dl)
    torch.save(model.state_dict(), f"{ckpt_dir}/last.pt")
print(f"final val_acc {model.val_acc.compute():.3f}")
