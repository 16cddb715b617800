"""Wine cultivar classifier robust to label noise: symmetric cross-entropy
(alpha * CE + beta * reverse CE, Wang et al. 2019), AdamW, ReduceLROnPlateau on val loss,
gradient-norm clipping."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import StandardScaler


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--noise", type=float, default=0.3)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


class SymmetricCE(nn.Module):
    def __init__(self, alpha, beta, n_classes, log_zero=-4.0):
        super().__init__()
        self.alpha, self.beta, self.k, self.log_zero = alpha, beta, n_classes, log_zero

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target)
        pred = F.softmax(logits, dim=1).clamp(1e-7, 1.0)
        onehot = F.one_hot(target, self.k).float()
        log_label = torch.where(onehot > 0, torch.zeros_like(onehot),
                                torch.full_like(onehot, self.log_zero))
        rce = -(pred * log_label).sum(dim=1).mean()
        return self.alpha * ce + self.beta * rce


class WineNet(nn.Module):
    def __init__(self, d_in=13, n_classes=3):
        super().__init__()
        self.fc1 = nn.Linear(d_in, 48)
        self.fc2 = nn.Linear(48, 48)
        self.out = nn.Linear(48, n_classes)
        self.drop = nn.Dropout(0.25)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.out(x)


def main():
    args = parse()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    rng = np.random.default_rng(args.seed)

    X, y = load_wine(return_X_y=True)
    split = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=args.seed)
    tr, va = next(split.split(X, y))
    scaler = StandardScaler().fit(X[tr])
    Xtr = torch.tensor(scaler.transform(X[tr]), dtype=torch.float32)
    Xva = torch.tensor(scaler.transform(X[va]), dtype=torch.float32)

    y_noisy = y[tr].copy()
    flip = rng.random(len(y_noisy)) < args.noise
    y_noisy[flip] = (y_noisy[flip] + rng.integers(1, 3, flip.sum())) % 3
    ytr = torch.tensor(y_noisy, dtype=torch.long)
    yva = torch.tensor(y[va], dtype=torch.long)
    print(f"train {len(tr)} ({flip.sum()} noisy labels), val {len(va)}")

    model = WineNet()
    crit = SymmetricCE(args.alpha, args.beta, 3)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=8,
                                                         min_lr=2e-4)

    bs = 16
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(Xtr))
        ep_loss = 0.0
        for s in range(0, len(perm), bs):
            idx = perm[s:s + bs]
            opt.zero_grad(set_to_none=True)
            loss = crit(model(Xtr[idx]), ytr[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
            ep_loss += loss.item() * len(idx)

        model.eval()
        with torch.no_grad():
            vo = model(Xva)
            vloss = F.cross_entropy(vo, yva).item()
            vacc = (vo.argmax(1) == yva).float().mean().item()
        plateau.step(vloss)
        if ep % 5 == 0 or ep == args.epochs - 1:
            print(f"ep {ep:3d} sce {ep_loss / len(Xtr):.4f} val_ce {vloss:.4f} "
                  f"val_acc {vacc:.3f} lr {opt.param_groups[0]['lr']:.1e}")

    print(f"final val accuracy {vacc:.3f}")


if __name__ == "__main__":
    main()
