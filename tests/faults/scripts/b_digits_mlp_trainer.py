"""Digit recognition with a small MLP and a Trainer abstraction."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


@dataclass
class Config:
    epochs: int = 12
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-2
    hidden: int = 128
    seed: int = 0


class DigitsDataset(Dataset):
    def __init__(self, x, y):
        self.x = torch.tensor(x, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return {"pixels": self.x[idx], "label": self.y[idx]}


def collate(batch):
    return (torch.stack([b["pixels"] for b in batch]),
            torch.stack([b["label"] for b in batch]))


class Classifier(nn.Module):
    def __init__(self, in_dim, hidden, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, n_classes),
            nn.Softmax(dim=-1),
        )

    def forward(self, x):
        return self.net(x)


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.criterion = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr,
                                           weight_decay=cfg.weight_decay)

    def train_step(self, xb, yb):
        self.optimizer.zero_grad()
        out = self.model(xb)
        loss = self.criterion(out, yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct, total, loss_sum = 0, 0, 0.0
        for xb, yb in loader:
            out = self.model(xb)
            loss_sum += self.criterion(out, yb).item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(yb)
        return loss_sum / total, correct / total

    def fit(self, train_loader, val_loader):
        for epoch in range(1, self.cfg.epochs + 1):
            self.model.train()
            losses = [self.train_step(xb, yb) for xb, yb in train_loader]
            val_loss, val_acc = self.evaluate(val_loader)
            print(f"epoch {epoch:02d} train_loss {np.mean(losses):.4f} "
                  f"val_loss {val_loss:.4f} val_acc {val_acc:.3f}")
        return val_acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=Config.epochs)
    parser.add_argument("--lr", type=float, default=Config.lr)
    args = parser.parse_args()
    cfg = Config(epochs=args.epochs, lr=args.lr)

    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

    train_loader = DataLoader(DigitsDataset(X_tr, y_tr), batch_size=cfg.batch_size,
                              shuffle=True, collate_fn=collate)
    val_loader = DataLoader(DigitsDataset(X_va, y_va), batch_size=256, collate_fn=collate)

    model = Classifier(X.shape[1], cfg.hidden, 10)
    trainer = Trainer(model, cfg)
    acc = trainer.fit(train_loader, val_loader)
    print(f"final validation accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
