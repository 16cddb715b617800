"""Wine quality-class service model: OneCycle schedule, class-weighted loss, step-based loop."""
import argparse
import logging
import random
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

log = logging.getLogger("wine.onecycle")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def repeat(loader):
    while True:
        yield from loader


class WineNet(nn.Module):
    def __init__(self, d_in, n_out, width=64, p=0.2):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, width), nn.ReLU(), nn.Dropout(p),
                                  nn.Linear(width, width), nn.ReLU(), nn.Dropout(p))
        self.head = nn.Linear(width, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def evaluate(model, X, y, crit):
    model.eval()
    with torch.inference_mode():
        out = model(X)
        loss = crit(out, y).item()
        acc = (out.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(cfg) -> dict:
    seed_everything(cfg.seed)
    d = load_wine()
    X_tr, X_va, y_tr, y_va = train_test_split(d.data, d.target, test_size=0.3,
                                              stratify=d.target, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
    X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)
    counts = torch.bincount(y_tr, minlength=3).float()
    weights = counts.sum() / (3 * counts)
    crit = nn.CrossEntropyLoss(weight=weights)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True)
    model = WineNet(X_tr.shape[1], 3)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.max_lr, total_steps=cfg.steps)
    it = repeat(loader)
    model.train()
    for step in range(1, cfg.steps + 1):
        xb, yb = next(it)
        opt.zero_grad(set_to_none=True)
        loss = crit(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        sched.step()
        if step % cfg.eval_every == 0:
            vl, va = evaluate(model, X_va, y_va, crit)
            log.info("step %d lr %.2e loss %.4f val_loss %.4f val_acc %.3f",
                     step, sched.get_last_lr()[0], loss.item(), vl, va)
    tl, ta = evaluate(model, X_tr, y_tr, crit)
    vl, va = evaluate(model, X_va, y_va, crit)
    return {"train_acc": ta, "val_acc": va, "val_loss": vl}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--max-lr", type=float, default=5e-3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--eval-every", type=int, default=40)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    m = train(cfg)
    log.info("final train_acc=%.3f val_acc=%.3f val_loss=%.4f", m["train_acc"], m["val_acc"],
             m["val_loss"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
