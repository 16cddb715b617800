"""Synthetic churn classifier: config-driven MLP pipeline with step-based validation."""
import argparse
import logging
import random
import sys

import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

logger = logging.getLogger("churn")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class ChurnModel(nn.Module):
    def __init__(self, hidden=64, n_classes=3, n_features=16):
        super().__init__()
        self.hidden = hidden
        self.trunk = self._make_trunk(n_features)
        self.out = nn.Linear(hidden, n_classes)

    def _make_trunk(self, n_features):
        return nn.Sequential(nn.Linear(n_features, self.hidden), nn.ReLU(),
                             nn.Linear(self.hidden, self.hidden), nn.ReLU(),
                             nn.Linear(self.hidden, self.hidden), nn.ReLU())

    def configure_input(self, n_features):
        if self.trunk[0].in_features != n_features:
            self.trunk = self._make_trunk(n_features)

    def forward(self, x):
        return self.out(self.trunk(x))


def loop_forever(loader):
    while True:
        for xb, yb in loader:
            yield xb, yb


def accuracy(model, X, y):
    model.eval()
    with torch.inference_mode():
        logits = model(X)
        loss = nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(cfg) -> dict:
    seed_everything(cfg.seed)
    model = ChurnModel(hidden=cfg.hidden, n_classes=3)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    X, y = make_classification(n_samples=2400, n_features=24, n_informative=14, n_redundant=6,
                               n_classes=3, n_clusters_per_class=3, class_sep=1.0,
                               random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)
    model.configure_input(X_tr.shape[1])

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True)
    it = loop_forever(loader)
    best, waits = float("inf"), 0
    model.train()
    for step in range(1, cfg.steps + 1):
        xb, yb = next(it)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
        optimizer.step()
        if step % cfg.val_every == 0:
            vl, va = accuracy(model, X_va, y_va)
            logger.info("step=%d loss=%.4f val_loss=%.4f val_acc=%.3f", step, loss.item(), vl, va)
            if vl < best:
                best, waits = vl, 0
            else:
                waits += 1
                if waits >= cfg.patience:
                    logger.info("early stopping (patience=%d)", cfg.patience)
                    break
    tl, ta = accuracy(model, X_tr, y_tr)
    vl, va = accuracy(model, X_va, y_va)
    return {"train_loss": tl, "train_acc": ta, "val_loss": vl, "val_acc": va}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--clip-norm", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=700)
    parser.add_argument("--val-every", type=int, default=70)
    parser.add_argument("--patience", type=int, default=3)
    cfg = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s | %(message)s")
    res = train(cfg)
    logger.info("final: %s", {k: round(v, 4) for k, v in res.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
