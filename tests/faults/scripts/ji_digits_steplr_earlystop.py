import tempfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(11)
np.random.seed(1)


class Mean:
    def __init__(self): self.reset()
    def reset(self): self.s, self.n = 0.0, 0
    def update(self, v, n): self.s += v * n; self.n += n
    def compute(self): return self.s / max(1, self.n)


class Acc:
    def __init__(self): self.reset()
    def reset(self): self.c, self.n = 0, 0
    def update(self, out, y): self.c += (out.argmax(1) == y).sum().item(); self.n += len(y)
    def compute(self): return self.c / max(1, self.n)


class DigitsModule(nn.Module):
    def __init__(self, **hparams):
        super().__init__()
        self.hparams = dict(hparams)
        self.body = nn.Sequential(
            nn.Linear(64, hparams["width"]), nn.ReLU(), nn.Dropout(hparams["dropout"]),
            nn.Linear(hparams["width"], 10),
        )
        self.metrics = {"train_loss": Mean(), "val_loss": Mean(), "train_acc": Acc(), "val_acc": Acc()}

    def forward(self, x):
        return self.body(x)

    def training_step(self, batch):
        x, y = batch
        out = self(x)
        loss = F.cross_entropy(out, y)
        self.metrics["train_loss"].update(loss.item(), len(y))
        self.metrics["train_acc"].update(out.detach(), y)
        return loss

    def validation_step(self, batch):
        x, y = batch
        out = self(x)
        self.metrics["val_loss"].update(F.cross_entropy(out, y).item(), len(y))
        self.metrics["val_acc"].update(out, y)

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams["lr"], momentum=0.9)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
        return opt, sched


class EarlyStopping:
    def __init__(self, patience=5):
        self.patience, self.best, self.bad = patience, float("inf"), 0

    def __call__(self, module):
        v = module.metrics["val_loss"].compute()
        if v < self.best - 1e-4:
            self.best, self.bad = v, 0
        else:
            self.bad += 1
        return self.bad >= self.patience


def fit(module, train_dl, val_dl, epochs, callbacks):
    opt, sched = module.configure_optimizers()
    for ep in range(epochs):
        for m in module.metrics.values():
            m.reset()
        module.train()
        for batch in train_dl:
            opt.zero_grad()
            loss = module.training_step(batch)
            loss.backward()
            opt.step()
        sched.step()
        module.eval()
        with torch.no_grad():
            for batch in val_dl:
                module.validation_step(batch)
        vals = {k: m.compute() for k, m in module.metrics.items()}
        print(f"[{ep:02d}] " + " ".join(f"{k}={v:.4f}" for k, v in vals.items()))
        if any(cb(module) for cb in callbacks):
            print("early stop")
            break


X, y = load_digits(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=1, stratify=y)
m, s = Xtr.mean(0), Xtr.std(0) + 1e-6
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
tr = TensorDataset(torch.tensor(Xtr, dtype=torch.float32), torch.tensor(ytr))
va = TensorDataset(torch.tensor(Xva, dtype=torch.float32), torch.tensor(yva))

module = DigitsModule(width=128, dropout=0.2, lr=0.01)
with tempfile.TemporaryDirectory() as d:
    fit(module, DataLoader(tr, batch_size=64, shuffle=True), DataLoader(va, batch_size=256), 30, [EarlyStopping(5)])
    torch.save(module.state_dict(), d + "/digits.pt")
print(f"val accuracy: {module.metrics['val_acc'].compute():.3f}")
