"""Synthetic tabular risk model: encoder + head MLP trained with per-module parameter groups."""
import argparse
import logging
import os
import random
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

logger = logging.getLogger("risk_mlp")


def seed_all(seed: int):
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class RiskNet(nn.Module):
    def __init__(self, n_features, hidden, n_classes):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(),
                                  nn.Linear(hidden, n_classes))

    def forward(self, x):
        return self.head(self.encoder(x))


def infinite(loader):
    while True:
        for xb, yb in loader:
            yield xb, yb


def make_param_groups(model, cfg):
    return [
        {"params": model.encoder.parameters(), "lr": cfg.lr * cfg.encoder_lr_mult},
        {"params": model.head.parameters(), "lr": cfg.lr},
    ]


def evaluate(model, X, y):
    model.eval()
    with torch.inference_mode():
        logits = model(X)
        loss = nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(cfg) -> dict:
    seed_all(cfg.seed)
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=12, n_redundant=4,
                               n_classes=4, n_clusters_per_class=2, class_sep=1.2,
                               random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed,
                                              stratify=y)
    mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
    to_t = lambda a: torch.as_tensor((a - mean) / std, dtype=torch.float32)
    X_tr, X_va = to_t(X_tr), to_t(X_va)
    y_tr, y_va = torch.as_tensor(y_tr), torch.as_tensor(y_va)

    ds = torch.utils.data.TensorDataset(X_tr, y_tr)
    loader = torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                                         drop_last=True)
    model = RiskNet(X_tr.shape[1], cfg.hidden, 4)
    optimizer = torch.optim.AdamW(make_param_groups(model, cfg), weight_decay=1e-2)

    batches = infinite(loader)
    best_loss, patience_left = float("inf"), cfg.patience
    for step in range(1, cfg.max_steps + 1):
        xb, yb = next(batches)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % cfg.eval_interval == 0:
            val_loss, val_acc = evaluate(model, X_va, y_va)
            logger.info("step %4d | train loss %.4f | val loss %.4f | val acc %.3f",
                        step, loss.item(), val_loss, val_acc)
            if val_loss < best_loss - 1e-4:
                best_loss, patience_left = val_loss, cfg.patience
            else:
                patience_left -= 1
                if patience_left == 0:
                    logger.info("patience exhausted at step %d", step)
                    break
    _, train_acc = evaluate(model, X_tr, y_tr)
    val_loss, val_acc = evaluate(model, X_va, y_va)
    return {"train_acc": train_acc, "val_acc": val_acc, "val_loss": val_loss}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--encoder-lr-mult", type=float, default=1e-3)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--max-steps", type=int, default=800)
    ap.add_argument("--eval-interval", type=int, default=80)
    ap.add_argument("--patience", type=int, default=4)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    out = train(cfg)
    logger.info("final: train_acc=%.3f val_acc=%.3f val_loss=%.4f",
                out["train_acc"], out["val_acc"], out["val_loss"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
