"""Digits MLP with linear warmup + cosine decay, label smoothing, periodic validation."""
import argparse
import logging
import math
import random
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

logger = logging.getLogger("digits.cosine")


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def stream(loader):
    while True:
        for batch in loader:
            yield batch


def warmup_cosine(warmup, total):
    def fn(step):
        if step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, total - warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))
    return fn


@torch.inference_mode()
def evaluate(model, X, y):
    model.eval()
    logits = model(X)
    out = F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()
    model.train()
    return out


def train(cfg) -> dict:
    set_seed(cfg.seed)
    ds = load_digits()
    X_tr, X_va, y_tr, y_va = train_test_split(ds.data.astype(np.float32), ds.target,
                                              test_size=0.2, random_state=cfg.seed,
                                              stratify=ds.target)
    mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-3
    X_tr, X_va = torch.from_numpy((X_tr - mu) / sd), torch.from_numpy((X_va - mu) / sd)
    y_tr, y_va = torch.from_numpy(y_tr).long(), torch.from_numpy(y_va).long()

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True)
    model = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Dropout(0.2),
                          nn.Linear(128, 64), nn.GELU(), nn.Dropout(0.2), nn.Linear(64, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=5e-2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine(cfg.warmup, cfg.steps))
    batches = stream(loader)
    model.train()
    for step in range(cfg.steps):
        xb, yb = next(batches)
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb, label_smoothing=0.05)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if (step + 1) % cfg.eval_every == 0:
            vl, va = evaluate(model, X_va, y_va)
            logger.info("step %4d lr %.2e loss %.4f val_loss %.4f val_acc %.4f",
                        step + 1, sched.get_last_lr()[0], loss.item(), vl, va)
    _, ta = evaluate(model, X_tr, y_tr)
    vl, va = evaluate(model, X_va, y_va)
    return {"train_acc": ta, "val_acc": va, "val_loss": vl}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--warmup", type=int, default=40)
    p.add_argument("--eval-every", type=int, default=60)
    cfg = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logger.info("result %s", train(cfg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
