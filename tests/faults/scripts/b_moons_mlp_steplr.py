"""Two-moons classifier, MLP trained with AdamW and a StepLR decay."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)


@dataclass
class HParams:
    n_samples: int = 2000
    noise: float = 0.2
    epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-3
    step_size: int = 10
    gamma: float = 0.5
    seed: int = 2


class PointCloud(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X.astype(np.float32))
        self.y = torch.from_numpy(y.astype(np.int64))

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def collate(batch):
    pts, labels = zip(*batch)
    return torch.stack(pts), torch.stack(labels)


class MoonNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(2, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, 2)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Trainer:
    def __init__(self, model, hp):
        self.model, self.hp = model, hp
        self.opt = torch.optim.AdamW(model.parameters(), lr=hp.lr)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=hp.step_size, gamma=hp.gamma)

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct = sum((self.model(x).argmax(1) == y).sum().item() for x, y in loader)
        return correct / len(loader.dataset)

    def fit(self, train_loader, val_loader):
        for epoch in range(1, self.hp.epochs + 1):
            self.model.train()
            loss = np.mean([self.train_step(x, y) for x, y in train_loader])
            if epoch % 3 == 0:
                print(f"epoch {epoch:2d} loss {loss:.4f} lr {self.opt.param_groups[0]['lr']:.2e} "
                      f"val_acc {self.evaluate(val_loader):.4f}")
        return self.evaluate(val_loader)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=HParams.epochs)
    ap.add_argument("--lr", type=float, default=HParams.lr)
    args = ap.parse_args()
    hp = HParams(epochs=args.epochs, lr=args.lr)
    torch.manual_seed(hp.seed)
    X, y = make_moons(n_samples=hp.n_samples, noise=hp.noise, random_state=hp.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=hp.seed)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    tl = DataLoader(PointCloud((X_tr - mu) / sd, y_tr), batch_size=hp.batch_size, shuffle=True, collate_fn=collate)
    vl = DataLoader(PointCloud((X_va - mu) / sd, y_va), batch_size=512, collate_fn=collate)
    acc = Trainer(MoonNet(), hp).fit(tl, vl)
    print(f"val accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
