"""Tiny sweep runner: wine cultivar classification with an MLP.

Two configs (hidden width / dropout) are trained with AdamW + OneCycleLR and the
results are dumped as JSON at the end.
"""
import copy
import json
import random

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

BASE_CFG = {
    "seed": 7,
    "data": {"val_fraction": 0.25, "batch_size": 16},
    "model": {"name": "mlp", "hidden": [64, 32], "dropout": 0.2},
    "optim": {"name": "adamw", "lr": 3e-3, "weight_decay": 1e-2},
    "sched": {"name": "onecycle", "pct_start": 0.3},
    "train": {"epochs": 30},
}

SWEEP = [
    {"model": {"hidden": [64, 32], "dropout": 0.2}},
    {"model": {"hidden": [128], "dropout": 0.3}},
]


def merge(base, override):
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class MLP(nn.Module):
    def __init__(self, in_dim, hidden, n_out, dropout):
        super().__init__()
        layers, d = [], in_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(dropout)]
            d = h
        layers.append(nn.Linear(d, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


MODELS = {"mlp": lambda c, i, o: MLP(i, c["hidden"], o, c["dropout"])}
OPTIMIZERS = {
    "adamw": lambda p, c: torch.optim.AdamW(p, lr=c["lr"], weight_decay=c["weight_decay"]),
    "sgd": lambda p, c: torch.optim.SGD(p, lr=c["lr"], momentum=0.9, weight_decay=c["weight_decay"]),
}


def build_model(cfg, in_dim, n_out):
    return MODELS[cfg["model"]["name"]](cfg["model"], in_dim, n_out)


def build_optimizer(cfg, model):
    return OPTIMIZERS[cfg["optim"]["name"]](model.parameters(), cfg["optim"])


def build_scheduler(cfg, opt, steps_per_epoch):
    s = cfg["sched"]
    if s["name"] == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=cfg["optim"]["lr"], epochs=cfg["train"]["epochs"],
            steps_per_epoch=steps_per_epoch, pct_start=s["pct_start"])
    raise KeyError(s["name"])


def load_data(cfg):
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(
        X, y, test_size=cfg["data"]["val_fraction"], stratify=y, random_state=cfg["seed"])
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    train_ds = TensorDataset(to_t(X_tr), torch.tensor(y_tr))
    val_ds = TensorDataset(to_t(X_va), torch.tensor(y_va))
    return train_ds, val_ds, X.shape[1], int(y.max()) + 1


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    tot_loss, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        logits = model(xb)
        tot_loss += loss_fn(logits, yb).item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
        n += len(yb)
    return tot_loss / n, correct / n


def run_experiment(cfg):
    set_seed(cfg["seed"])
    train_ds, val_ds, in_dim, n_cls = load_data(cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg["data"]["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)
    model = build_model(cfg, in_dim, n_cls)
    opt = build_optimizer(cfg, model)
    sched = build_scheduler(cfg, opt, len(train_dl))
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg["train"]["epochs"]):
        model.train()
        run = 0.0
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            sched.step()
            run += loss.item() * len(yb)
        va_loss, va_acc = evaluate(model, val_dl, loss_fn)
        if epoch % 5 == 0 or epoch == cfg["train"]["epochs"] - 1:
            print(f"  epoch {epoch:02d} train_loss {run / len(train_ds):.4f} "
                  f"val_loss {va_loss:.4f} val_acc {va_acc:.3f}")
    return {"hidden": cfg["model"]["hidden"], "val_loss": round(va_loss, 4), "val_acc": round(va_acc, 4)}


if __name__ == "__main__":
    results = []
    for i, override in enumerate(SWEEP):
        cfg = merge(BASE_CFG, override)
        print(f"[run {i}] {json.dumps(cfg['model'])}")
        results.append(run_experiment(cfg))
    print(json.dumps({"experiment": "wine_mlp_onecycle", "runs": results}, indent=2))
