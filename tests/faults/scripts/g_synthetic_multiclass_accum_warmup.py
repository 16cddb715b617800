import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class ConfusionMatrix:
    def __init__(self, num_classes):
        self.num_classes = num_classes
        self.mat = torch.zeros(num_classes, num_classes, dtype=torch.long)

    def update(self, preds, target):
        idx = target * self.num_classes + preds
        self.mat += torch.bincount(idx, minlength=self.num_classes ** 2).view(self.num_classes, -1)

    def accuracy(self):
        return self.mat.diag().sum().item() / self.mat.sum().item()

    def macro_recall(self):
        rec = self.mat.diag().float() / self.mat.sum(1).clamp(min=1).float()
        return rec.mean().item()


class LitMLP(nn.Module):
    """Lightning-like module: the loop below only calls the hooks."""

    def __init__(self, n_in, n_classes, width=96, lr=2e-3, warmup_steps=30, total_steps=600):
        super().__init__()
        self.cfg = dict(lr=lr, warmup=warmup_steps, total=total_steps)
        self.backbone = nn.Sequential(
            nn.Linear(n_in, width), nn.BatchNorm1d(width), nn.SiLU(),
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.SiLU(),
        )
        self.classifier = nn.Linear(width, n_classes)

    def forward(self, x):
        return self.classifier(self.backbone(x))

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y, label_smoothing=0.05)

    @torch.no_grad()
    def validation_step(self, batch, cm):
        x, y = batch
        logits = self(x)
        cm.update(logits.argmax(1), y)
        return F.cross_entropy(logits, y, reduction="sum").item()

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.cfg["lr"], weight_decay=5e-3)

        def lr_lambda(step):
            if step < self.cfg["warmup"]:
                return (step + 1) / self.cfg["warmup"]
            progress = (step - self.cfg["warmup"]) / max(1, self.cfg["total"] - self.cfg["warmup"])
            return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

        return opt, torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)


def fit(module, loaders, epochs, accumulate=4):
    train_loader, val_loader = loaders
    opt, sched = module.configure_optimizers()
    n_classes = module.classifier.out_features
    for epoch in range(epochs):
        module.train()
        opt.zero_grad()
        epoch_loss, n_batches = 0.0, 0
        for i, batch in enumerate(train_loader):
            loss = module.training_step(batch)
            (loss / accumulate).backward()
            if (i + 1) % accumulate == 0 or (i + 1) == len(train_loader):
                opt.step()
                sched.step()
                opt.zero_grad()
            epoch_loss += loss.item()
            n_batches += 1

        module.eval()
        cm = ConfusionMatrix(n_classes)
        val_loss = sum(module.validation_step(b, cm) for b in val_loader) / len(val_loader.dataset)
        print(f"epoch {epoch + 1:2d}/{epochs}  train_loss={epoch_loss / n_batches:.4f}  "
              f"val_loss={val_loss:.4f}  val_acc={cm.accuracy():.4f}  "
              f"macro_recall={cm.macro_recall():.4f}  lr={sched.get_last_lr()[0]:.2e}")
    return cm


def main():
    seed_everything(21)
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=12, n_redundant=4,
                               n_classes=4, n_clusters_per_class=2, class_sep=1.5, random_state=21)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=21, stratify=y)
    mean, std = X_tr.mean(0, keepdims=True), X_tr.std(0, keepdims=True)
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std

    f32 = lambda a: torch.tensor(a, dtype=torch.float32)
    train_loader = DataLoader(TensorDataset(f32(X_tr), torch.tensor(y_tr)), batch_size=32, shuffle=True,
                              drop_last=True)
    val_loader = DataLoader(TensorDataset(f32(X_va), torch.tensor(y_va)), batch_size=256)

    epochs, accumulate = 25, 4
    steps = epochs * math.ceil(len(train_loader) / accumulate)
    module = LitMLP(X.shape[1], 4, total_steps=steps)
    cm = fit(module, (train_loader, val_loader), epochs, accumulate=accumulate)
    print("confusion matrix (rows=true):")
    print(cm.mat.numpy())
    print(f"final val accuracy {cm.accuracy():.4f}")


if __name__ == "__main__":
    main()
