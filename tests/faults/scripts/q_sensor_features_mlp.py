"""High-dimensional sensor-feature classifier (synthetic), two-seed experiment.

Builds everything from a nested config, tracks train/val loss and accuracy per
epoch and prints the summary as JSON.
"""
import json
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

EXPERIMENT = {
    "data": {"n_samples": 600, "n_features": 80, "n_informative": 8, "train_size": 160, "batch_size": 32},
    "model": {"type": "deep_mlp", "hidden": [512, 256], "dropout": 0.0},
    "optim": {"type": "adam", "lr": 1e-3, "weight_decay": 0.0},
    "epochs": 40,
    "seeds": [0, 1],
    "log_every": 10,
}


def deep_mlp(in_dim, n_out, hidden, dropout):
    layers = []
    for h in hidden:
        layers += [nn.Linear(in_dim, h), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        in_dim = h
    layers.append(nn.Linear(in_dim, n_out))
    return nn.Sequential(*layers)


MODEL_REGISTRY = {"deep_mlp": deep_mlp}
OPTIM_REGISTRY = {
    "adam": lambda params, c: torch.optim.Adam(params, lr=c["lr"], weight_decay=c["weight_decay"]),
    "sgd": lambda params, c: torch.optim.SGD(params, lr=c["lr"], momentum=0.9, weight_decay=c["weight_decay"]),
}


def build_model(cfg, in_dim, n_out):
    m = cfg["model"]
    return MODEL_REGISTRY[m["type"]](in_dim, n_out, m["hidden"], m["dropout"])


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def get_splits(cfg, seed):
    d = cfg["data"]
    X, y = make_classification(n_samples=d["n_samples"], n_features=d["n_features"],
                               n_informative=d["n_informative"], n_redundant=0, n_clusters_per_class=3,
                               flip_y=0.03, random_state=seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, train_size=d["train_size"], stratify=y, random_state=seed)
    sc = StandardScaler().fit(X_tr)
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(sc.transform(X_tr)), torch.tensor(y_tr), f(sc.transform(X_va)), torch.tensor(y_va)


@torch.no_grad()
def score(model, X, y):
    model.eval()
    out = model(X)
    return F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item()


def run_experiment(cfg, seed) -> dict:
    seed_everything(seed)
    X_tr, y_tr, X_va, y_va = get_splits(cfg, seed)
    model = build_model(cfg, X_tr.shape[1], 2)
    opt = OPTIM_REGISTRY[cfg["optim"]["type"]](model.parameters(), cfg["optim"])
    bs = cfg["data"]["batch_size"]
    best_val = float("inf")
    for epoch in range(1, cfg["epochs"] + 1):
        model.train()
        perm = torch.randperm(len(X_tr))
        for i in range(0, len(X_tr), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
            loss.backward()
            opt.step()
        tr_loss, tr_acc = score(model, X_tr, y_tr)
        va_loss, va_acc = score(model, X_va, y_va)
        best_val = min(best_val, va_loss)
        if epoch == 1 or epoch % cfg["log_every"] == 0:
            print(f"seed {seed} epoch {epoch:3d} train_loss {tr_loss:.4f} train_acc {tr_acc:.3f} "
                  f"val_loss {va_loss:.4f} val_acc {va_acc:.3f}")
    return {"seed": seed, "train_acc": round(tr_acc, 4), "val_acc": round(va_acc, 4),
            "train_loss": round(tr_loss, 4), "val_loss": round(va_loss, 4), "best_val_loss": round(best_val, 4)}


if __name__ == "__main__":
    runs = [run_experiment(EXPERIMENT, s) for s in EXPERIMENT["seeds"]]
    print(json.dumps({"runs": runs, "mean_val_acc": round(float(np.mean([r["val_acc"] for r in runs])), 4)}, indent=2))
