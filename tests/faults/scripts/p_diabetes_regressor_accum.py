"""Diabetes progression regressor: gradient accumulation, standardised targets, step-based eval."""
import argparse
import logging
import random
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

logger = logging.getLogger("diabetes")


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def forever(loader):
    while True:
        yield from loader


def r2_score(pred, target):
    ss_res = ((target - pred) ** 2).sum()
    ss_tot = ((target - target.mean()) ** 2).sum()
    return (1 - ss_res / ss_tot).item()


def train(cfg) -> dict:
    seed_all(cfg.seed)
    X, y = load_diabetes(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)
    x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
    y_mu, y_sd = y_tr.mean(), y_tr.std()
    f32 = lambda a: torch.tensor(a, dtype=torch.float32)
    X_tr, X_va = f32((X_tr - x_mu) / x_sd), f32((X_va - x_mu) / x_sd)
    t_tr = f32((y_tr - y_mu) / y_sd)
    y_va_raw = f32(y_va)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, t_tr),
                                         batch_size=cfg.micro_batch, shuffle=True)
    model = nn.Sequential(nn.Linear(X_tr.shape[1], 32), nn.ReLU(), nn.Dropout(0.1),
                          nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.updates, eta_min=cfg.lr * 0.05)
    crit = nn.MSELoss()
    it = forever(loader)

    def evaluate():
        model.eval()
        with torch.inference_mode():
            pred = model(X_va).squeeze(1) * y_sd + y_mu
            mse = ((pred - y_va_raw) ** 2).mean().item()
            r2 = r2_score(pred, y_va_raw)
        model.train()
        return mse, r2

    best_r2, stale = -float("inf"), 0
    model.train()
    for update in range(1, cfg.updates + 1):
        opt.zero_grad()
        total = 0.0
        for _ in range(cfg.accum):
            xb, tb = next(it)
            loss = crit(model(xb).squeeze(1), tb) / cfg.accum
            loss.backward()
            total += loss.item()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        sched.step()
        if update % cfg.eval_every == 0:
            mse, r2 = evaluate()
            logger.info("update %d train_mse(std) %.4f val_mse %.1f val_r2 %.4f",
                        update, total, mse, r2)
            if r2 > best_r2 + 1e-4:
                best_r2, stale = r2, 0
            else:
                stale += 1
                if stale >= cfg.patience:
                    logger.info("val r2 stalled, stopping at update %d", update)
                    break
    mse, r2 = evaluate()
    return {"val_mse": mse, "val_r2": r2, "best_val_r2": best_r2}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--micro-batch", type=int, default=16)
    ap.add_argument("--accum", type=int, default=4)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--updates", type=int, default=300)
    ap.add_argument("--eval-every", type=int, default=20)
    ap.add_argument("--patience", type=int, default=5)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    res = train(cfg)
    logger.info("final val_mse=%.1f val_r2=%.4f best_val_r2=%.4f", res["val_mse"], res["val_r2"],
                res["best_val_r2"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
