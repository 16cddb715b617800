"""Wine classifier with a Trainer class and command-line hyperparameters."""

import argparse

import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Trainer:
    def __init__(self, model, lr, weight_decay):
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, batch):
        xb, yb = batch
        self.model.train()
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def validate(self, X, y):
        self.model.eval()
        logits = self.model(X)
        return self.criterion(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    def fit(self, X, y, X_val, y_val, epochs, batch_size):
        for epoch in range(epochs):
            perm = torch.randperm(len(X))
            losses = [self.train_step((X[perm[i:i + batch_size]], y[perm[i:i + batch_size]]))
                      for i in range(0, len(X), batch_size)]
            val_loss, val_acc = self.validate(X_val, y_val)
            print(f"epoch {epoch}: train {sum(losses) / len(losses):.4f} val {val_loss:.4f} acc {val_acc:.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=59)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    X, y = load_wine(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=args.seed, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
    model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
    Trainer(model, args.lr, args.weight_decay).fit(X_train, torch.tensor(y_train), X_val, torch.tensor(y_val),
                                                   args.epochs, args.batch_size)


if __name__ == "__main__":
    main()
