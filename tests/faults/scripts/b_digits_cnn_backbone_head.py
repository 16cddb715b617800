"""Digits CNN split into a convolutional backbone and a linear head; StepLR; grad clipping."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


@dataclass
class Config:
    epochs: int = 12
    batch_size: int = 64
    lr: float = 3e-3
    freeze_backbone: bool = True
    seed: int = 9


class ImageSet(Dataset):
    def __init__(self, X, y, mean, std):
        self.X = torch.tensor((X - mean) / std, dtype=torch.float32).view(-1, 1, 8, 8)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    return torch.stack([b[0] for b in batch]), torch.stack([b[1] for b in batch])


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        return self.head(self.backbone(x))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        if cfg.freeze_backbone:
            for p in model.backbone.parameters():
                p.requires_grad = False
        params = [p for p in model.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(params, lr=cfg.lr)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=5, gamma=0.5)
        self.crit = nn.CrossEntropyLoss()

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 2.0)
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        return sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader) / len(loader.dataset)

    def fit(self, tl, vl):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in tl])
            self.sched.step()
            print(f"epoch {epoch + 1:2d} loss {loss:.4f} val_acc {self.evaluate(vl):.4f}")
        return self.evaluate(vl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--lr", type=float, default=Config.lr)
    a = ap.parse_args()
    cfg = Config(epochs=a.epochs, lr=a.lr)
    torch.manual_seed(cfg.seed)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    m, s = X_tr.mean(), X_tr.std()
    tl = DataLoader(ImageSet(X_tr, y_tr, m, s), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(ImageSet(X_va, y_va, m, s), batch_size=256, collate_fn=collate)
    acc = Trainer(ConvNet(), cfg).fit(tl, vl)
    print(f"final val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
