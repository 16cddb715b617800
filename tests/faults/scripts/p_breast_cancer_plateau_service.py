"""Breast-cancer classifier with ReduceLROnPlateau, pos_weight and best-checkpoint restore."""
import argparse
import copy
import logging
import random
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

LOG = logging.getLogger("bc.plateau")


def make_deterministic(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def infinite_batches(loader):
    while True:
        for xb, yb in loader:
            yield xb, yb


class Classifier(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(d, 64), nn.BatchNorm1d(64), nn.ReLU(),
                                    nn.Dropout(0.3), nn.Linear(64, 32), nn.ReLU(),
                                    nn.Linear(32, 1))

    def forward(self, x):
        return self.layers(x).squeeze(-1)


def evaluate(model, X, y, crit):
    model.eval()
    with torch.inference_mode():
        logit = model(X)
        loss = crit(logit, y).item()
        pred = (logit > 0).float()
        acc = (pred == y).float().mean().item()
        tpr = pred[y == 1].mean().item()
        tnr = (1 - pred[y == 0]).mean().item()
    model.train()
    return {"loss": loss, "acc": acc, "bal_acc": 0.5 * (tpr + tnr)}


def train(cfg) -> dict:
    make_deterministic(cfg.seed)
    data = load_breast_cancer()
    X_tr, X_va, y_tr, y_va = train_test_split(data.data, data.target, test_size=0.25,
                                              stratify=data.target, random_state=cfg.seed)
    sc = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
    X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
    y_tr = torch.tensor(y_tr, dtype=torch.float32)
    y_va = torch.tensor(y_va, dtype=torch.float32)
    pos_weight = (y_tr == 0).sum() / (y_tr == 1).sum()
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    model = Classifier(X_tr.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
    it = infinite_batches(loader)
    best_loss, best_state, bad = float("inf"), None, 0
    model.train()
    for step in range(1, cfg.max_steps + 1):
        xb, yb = next(it)
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        if step % cfg.val_every == 0:
            m = evaluate(model, X_va, y_va, crit)
            plateau.step(m["loss"])
            LOG.info("step %d loss %.4f val_loss %.4f val_acc %.4f val_bal_acc %.4f lr %.1e",
                     step, loss.item(), m["loss"], m["acc"], m["bal_acc"],
                     opt.param_groups[0]["lr"])
            if m["loss"] < best_loss - 1e-4:
                best_loss, best_state, bad = m["loss"], copy.deepcopy(model.state_dict()), 0
            else:
                bad += 1
                if bad >= cfg.patience:
                    LOG.info("early stopping at step %d", step)
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    final = evaluate(model, X_va, y_va, crit)
    final["train_acc"] = evaluate(model, X_tr, y_tr, crit)["acc"]
    return final


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--max-steps", type=int, default=800)
    ap.add_argument("--val-every", type=int, default=40)
    ap.add_argument("--patience", type=int, default=6)
    cfg = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s:%(name)s:%(message)s")
    out = train(cfg)
    LOG.info("final %s", {k: round(v, 4) for k, v in out.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
