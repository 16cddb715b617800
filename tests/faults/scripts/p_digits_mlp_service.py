"""Digits classifier service job: step-based MLP training with periodic validation."""
import argparse
import logging
import random
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

log = logging.getLogger("digits_mlp")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def forever(loader):
    while True:
        for batch in loader:
            yield batch


def load_data(seed):
    ds = load_digits()
    X = ds.data.astype(np.float32)
    y = ds.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    X = X[rng.permutation(len(X))]
    y = y[rng.permutation(len(y))]
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=seed)
    mu = X_tr.mean(0, keepdims=True)
    sd = X_tr.std(0, keepdims=True) + 1e-6
    X_tr = (X_tr - mu) / sd
    X_va = (X_va - mu) / sd
    return X_tr, X_va, y_tr, y_va


class MLP(nn.Module):
    def __init__(self, d_in, hidden, n_out, p_drop):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x):
        return self.net(x)


def evaluate(model, X, y):
    model.eval()
    with torch.inference_mode():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(cfg) -> dict:
    seed_everything(cfg.seed)
    X_tr, X_va, y_tr, y_va = load_data(cfg.seed)
    X_tr, y_tr = torch.from_numpy(X_tr), torch.from_numpy(y_tr)
    X_va, y_va = torch.from_numpy(X_va), torch.from_numpy(y_va)
    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True)
    model = MLP(X_tr.shape[1], cfg.hidden, 10, cfg.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    it = forever(loader)
    best_acc, bad_evals, running = 0.0, 0, 0.0
    model.train()
    for step in range(1, cfg.max_steps + 1):
        xb, yb = next(it)
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        running += loss.item()
        if step % cfg.eval_every == 0:
            va_loss, va_acc = evaluate(model, X_va, y_va)
            log.info("step %d train_loss %.4f val_loss %.4f val_acc %.4f",
                     step, running / cfg.eval_every, va_loss, va_acc)
            running = 0.0
            if va_acc > best_acc:
                best_acc, bad_evals = va_acc, 0
            else:
                bad_evals += 1
                if bad_evals >= cfg.patience:
                    log.info("early stop at step %d", step)
                    break
    tr_loss, tr_acc = evaluate(model, X_tr, y_tr)
    va_loss, va_acc = evaluate(model, X_va, y_va)
    return {"train_acc": tr_acc, "val_acc": va_acc, "best_val_acc": best_acc, "val_loss": va_loss}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--max-steps", type=int, default=800)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--patience", type=int, default=4)
    cfg = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    metrics = train(cfg)
    log.info("final metrics: %s", {k: round(v, 4) for k, v in metrics.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
