"""Depth sweep for a small conv net on the 8x8 digits.

Each entry of SWEEP overrides the base config; every run reports its final
validation accuracy and the whole sweep is printed as JSON.
"""
import copy
import json

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

BASE = {
    "seed": 42,
    "data": {"val_size": 0.25, "batch_size": 64},
    "model": {"name": "convnet", "channels": [16], "kernel": 3, "hidden": 64},
    "optimizer": {"name": "adam", "lr": 2e-3},
    "epochs": 6,
}
SWEEP = [
    {"model": {"channels": [16]}},
    {"model": {"channels": [16, 32]}},
]


def deep_update(d, u):
    d = copy.deepcopy(d)
    for k, v in u.items():
        d[k] = deep_update(d[k], v) if isinstance(v, dict) else v
    return d


class ConvNet(nn.Module):
    def __init__(self, channels, kernel, hidden, n_classes=10, img=8):
        super().__init__()
        blocks, c_in = [], 1
        for c in channels:
            blocks += [nn.Conv2d(c_in, c, kernel, padding=kernel // 2), nn.ReLU(), nn.MaxPool2d(2)]
            c_in = c
        self.features = nn.Sequential(*blocks)
        feat_dim = channels[-1] * (img // 2) ** 2
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(feat_dim, hidden), nn.ReLU(),
                                  nn.Linear(hidden, n_classes))

    def forward(self, x):
        return self.head(self.features(x))


MODELS = {"convnet": lambda m: ConvNet(m["channels"], m["kernel"], m["hidden"])}
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


def build_model(cfg):
    return MODELS[cfg["model"]["name"]](cfg["model"])


def build_optimizer(cfg, model):
    o = cfg["optimizer"]
    return OPTIMIZERS[o["name"]](model.parameters(), lr=o["lr"])


def load(cfg):
    d = load_digits()
    X = (d.images / 16.0).astype(np.float32)
    X_tr, X_va, y_tr, y_va = train_test_split(X, d.target, test_size=cfg["data"]["val_size"],
                                              random_state=cfg["seed"], stratify=d.target)
    mu, sd = X_tr.mean(), X_tr.std()
    mk = lambda a: torch.from_numpy((a - mu) / sd).unsqueeze(1)
    return mk(X_tr), torch.from_numpy(y_tr), mk(X_va), torch.from_numpy(y_va)


def run_experiment(cfg) -> dict:
    torch.manual_seed(cfg["seed"])
    X_tr, y_tr, X_va, y_va = load(cfg)
    model = build_model(cfg)
    opt = build_optimizer(cfg, model)
    crit = nn.CrossEntropyLoss()
    bs = cfg["data"]["batch_size"]
    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(len(X_tr))
        tot = 0.0
        for i in range(0, len(X_tr), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = crit(model(X_tr[idx]), y_tr[idx])
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(X_va).argmax(1) == y_va).float().mean().item()
        print(f"  epoch {epoch + 1} loss {tot / len(X_tr):.4f} val_acc {acc:.4f}")
    return {"channels": cfg["model"]["channels"], "val_acc": round(acc, 4)}


if __name__ == "__main__":
    results = []
    for override in SWEEP:
        cfg = deep_update(BASE, override)
        print(f"run channels={cfg['model']['channels']}")
        results.append(run_experiment(cfg))
    print(json.dumps(results, indent=2))
