"""Seed-robustness runner: 4-class synthetic tabular task, residual MLP.

One shared config; the experiment is repeated over several seeds and the mean
and spread of validation accuracy are reported as JSON.
"""
import json

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "data": {"n_samples": 2000, "n_features": 16, "n_informative": 10, "n_classes": 4,
             "val_size": 0.25, "batch_size": 64, "seed": 100},
    "model": {"name": "resmlp", "width": 64, "blocks": 2},
    "optimizer": {"name": "adamw", "lr": 2e-3, "weight_decay": 1e-2},
    "scheduler": {"name": "cosine"},
    "epochs": 12,
    "seeds": [0, 1, 2],
}


class ResBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.ff = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.GELU(), nn.Linear(width, width))

    def forward(self, x):
        return x + self.ff(x)


class ResMLP(nn.Module):
    def __init__(self, in_dim, n_classes, width, blocks):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.Sequential(*[ResBlock(width) for _ in range(blocks)])
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, n_classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


MODELS = {"resmlp": ResMLP}
OPTIMIZERS = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam}


def build_model(cfg, in_dim, n_classes):
    m = cfg["model"]
    return MODELS[m["name"]](in_dim, n_classes, m["width"], m["blocks"])


def build_optimizer(cfg, model):
    o = cfg["optimizer"]
    return OPTIMIZERS[o["name"]](model.parameters(), lr=o["lr"], weight_decay=o["weight_decay"])


def build_scheduler(cfg, optimizer, total_steps):
    if cfg["scheduler"]["name"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)


def load_data(cfg):
    d = cfg["data"]
    X, y = make_classification(n_samples=d["n_samples"], n_features=d["n_features"],
                               n_informative=d["n_informative"], n_redundant=2, n_classes=d["n_classes"],
                               class_sep=1.5, random_state=d["seed"])
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=d["val_size"], stratify=y, random_state=d["seed"])
    sc = StandardScaler().fit(X_tr)
    t = lambda a: torch.tensor(a, dtype=torch.float32)
    return t(sc.transform(X_tr)), torch.tensor(y_tr), t(sc.transform(X_va)), torch.tensor(y_va)


def train_one(cfg, model, optimizer, scheduler, data, seed):
    X_tr, y_tr, X_va, y_va = data
    bs = cfg["data"]["batch_size"]
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(len(X_tr))
        total = 0.0
        for i in range(0, len(X_tr), bs):
            idx = perm[i:i + bs]
            model.zero_grad(set_to_none=True)
            loss = loss_fn(model(X_tr[idx]), y_tr[idx])
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(X_va).argmax(1) == y_va).float().mean().item()
        print(f"seed {seed} epoch {epoch + 1:2d} train_loss {total / len(X_tr):.4f} val_acc {acc:.4f}")
    return acc


def run_experiment(cfg) -> dict:
    data = load_data(cfg)
    in_dim, n_classes = data[0].shape[1], cfg["data"]["n_classes"]
    steps = cfg["epochs"] * ((len(data[0]) + cfg["data"]["batch_size"] - 1) // cfg["data"]["batch_size"])
    model = build_model(cfg, in_dim, n_classes)
    optimizer = build_optimizer(cfg, model)
    per_seed = []
    for seed in cfg["seeds"]:
        torch.manual_seed(seed)
        model = build_model(cfg, in_dim, n_classes)
        scheduler = build_scheduler(cfg, optimizer, steps)
        per_seed.append(train_one(cfg, model, optimizer, scheduler, data, seed))
    return {"val_acc_per_seed": [round(a, 4) for a in per_seed],
            "val_acc_mean": round(float(np.mean(per_seed)), 4),
            "val_acc_std": round(float(np.std(per_seed)), 4)}


if __name__ == "__main__":
    print(json.dumps(run_experiment(CONFIG), indent=2))
