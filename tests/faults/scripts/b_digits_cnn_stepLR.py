"""Small CNN on 8x8 digit images, StepLR schedule, gradient clipping."""
import argparse
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


@dataclass
class TrainConfig:
    epochs: int = 15
    batch_size: int = 64
    lr: float = 2e-3
    step_size: int = 5
    gamma: float = 0.5
    clip: float = 1.0
    seed: int = 123
    channels: tuple = field(default=(16, 32))


class DigitImages(Dataset):
    def __init__(self, images, labels, mean, std):
        self.images = ((images - mean) / std).astype(np.float32)
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx]).view(1, 8, 8)
        return img, int(self.labels[idx])


def collate_images(batch):
    imgs = torch.stack([b[0] for b in batch])
    labels = torch.tensor([b[1] for b in batch], dtype=torch.long)
    return imgs, labels


class DigitCNN(nn.Module):
    def __init__(self, channels, n_classes=10):
        super().__init__()
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(c2 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, n_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


class Trainer:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.scheduler = torch.optim.lr_scheduler.StepLR(self.optimizer, cfg.step_size, cfg.gamma)

    def train_step(self, images, labels):
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(images), labels)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        preds, gold = [], []
        for images, labels in loader:
            preds.append(self.model(images).argmax(1))
            gold.append(labels)
        return (torch.cat(preds) == torch.cat(gold)).float().mean().item()

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            epoch_loss = np.mean([self.train_step(x, y) for x, y in train_loader])
            self.scheduler.step()
            acc = self.evaluate(val_loader)
            print(f"epoch {epoch + 1}/{self.cfg.epochs}  loss {epoch_loss:.4f}  val_acc {acc:.4f}")
        return acc


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    args = parser.parse_args()
    cfg = TrainConfig(epochs=args.epochs, batch_size=args.batch_size)
    torch.manual_seed(cfg.seed)

    digits = load_digits()
    X_tr, X_va, y_tr, y_va = train_test_split(digits.data, digits.target, test_size=0.25,
                                              random_state=cfg.seed, stratify=digits.target)
    mean, std = X_tr.mean(), X_tr.std()
    train_loader = DataLoader(DigitImages(X_tr, y_tr, mean, std), batch_size=cfg.batch_size,
                              shuffle=True, collate_fn=collate_images)
    val_loader = DataLoader(DigitImages(X_va, y_va, mean, std), batch_size=128,
                            collate_fn=collate_images)
    model = DigitCNN(cfg.channels)
    print(f"parameters: {sum(p.numel() for p in model.parameters())}")
    acc = Trainer(model, cfg).fit(train_loader, val_loader)
    print(f"best-effort final accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
