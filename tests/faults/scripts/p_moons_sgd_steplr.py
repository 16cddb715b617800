"""Two-moons boundary model: SGD with momentum, StepLR by steps, batch-norm MLP."""
import argparse
import logging
import random
import sys

import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

log = logging.getLogger("moons")


def deterministic_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cycle(loader):
    while True:
        for b in loader:
            yield b


def build(width):
    return nn.Sequential(nn.Linear(2, width), nn.BatchNorm1d(width), nn.ReLU(),
                         nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(),
                         nn.Linear(width, 2))


@torch.inference_mode()
def score(model, X, y):
    model.eval()
    logits = model(X)
    loss = nn.functional.cross_entropy(logits, y).item()
    acc = (logits.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(cfg) -> dict:
    deterministic_seed(cfg.seed)
    X, y = make_moons(n_samples=2000, noise=0.2, random_state=cfg.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=cfg.seed)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
    X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    model = build(cfg.width)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9, weight_decay=5e-4,
                          nesterov=True)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=cfg.decay_every, gamma=0.3)
    it = cycle(loader)
    best, wait = 0.0, 0
    model.train()
    for step in range(1, cfg.steps + 1):
        xb, yb = next(it)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        sched.step()
        if step % cfg.val_every == 0:
            vl, va = score(model, X_va, y_va)
            log.info("step %d lr %.4f loss %.4f val_loss %.4f val_acc %.4f", step,
                     sched.get_last_lr()[0], loss.item(), vl, va)
            if va > best + 1e-4:
                best, wait = va, 0
            else:
                wait += 1
                if wait >= cfg.patience:
                    log.info("early stop at step %d", step)
                    break
    _, tr_acc = score(model, X_tr, y_tr)
    vl, va = score(model, X_va, y_va)
    return {"train_acc": tr_acc, "val_acc": va, "val_loss": vl}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--steps", type=int, default=900)
    ap.add_argument("--decay-every", type=int, default=300)
    ap.add_argument("--val-every", type=int, default=50)
    ap.add_argument("--patience", type=int, default=8)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="[%(name)s] %(message)s")
    res = train(cfg)
    log.info("final train_acc=%.4f val_acc=%.4f val_loss=%.4f", res["train_acc"], res["val_acc"],
             res["val_loss"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
