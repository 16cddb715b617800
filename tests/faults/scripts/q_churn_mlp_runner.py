"""Customer-churn style tabular classifier (synthetic), config + registry runner.

Two model sizes are compared; accuracy and loss are reported per run as JSON.
"""
import json
from dataclasses import dataclass, field, asdict, replace

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


@dataclass
class RunConfig:
    name: str
    hidden: list = field(default_factory=lambda: [32])
    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 64
    epochs: int = 15
    seed: int = 5


OPTIMIZERS = {
    "adam": lambda p, cfg: torch.optim.Adam(p, lr=cfg.lr),
    "rmsprop": lambda p, cfg: torch.optim.RMSprop(p, lr=cfg.lr),
}
LOSSES = {"ce": nn.CrossEntropyLoss}


def build_model(cfg: RunConfig, in_dim: int, n_classes: int) -> nn.Module:
    layers, d = [], in_dim
    for h in cfg.hidden:
        layers += [nn.Linear(d, h), nn.ReLU()]
        d = h
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)


def load_data(seed):
    X, y = make_classification(n_samples=4000, n_features=20, n_informative=6, n_redundant=4,
                               weights=[0.95, 0.05], class_sep=0.6, flip_y=0.01, random_state=seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(X_tr), torch.tensor(y_tr), f(X_va), torch.tensor(y_va)


def run_experiment(cfg: RunConfig) -> dict:
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    X_tr, y_tr, X_va, y_va = load_data(cfg.seed)
    model = build_model(cfg, X_tr.shape[1], 2)
    opt = OPTIMIZERS[cfg.optimizer](model.parameters(), cfg)
    loss_fn = LOSSES["ce"]()
    n = len(X_tr)
    for epoch in range(cfg.epochs):
        model.train()
        perm = torch.randperm(n)
        running = 0.0
        for i in range(0, n, cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            opt.zero_grad()
            loss = loss_fn(model(X_tr[idx]), y_tr[idx])
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            logits = model(X_va)
            val_loss = loss_fn(logits, y_va).item()
            val_acc = (logits.argmax(1) == y_va).float().mean().item()
        print(f"[{cfg.name}] epoch {epoch + 1:2d} train_loss {running / n:.4f} "
              f"val_loss {val_loss:.4f} val_acc {val_acc:.4f}")
    return {"run": cfg.name, "hidden": cfg.hidden, "val_loss": round(val_loss, 4), "val_acc": round(val_acc, 4)}


if __name__ == "__main__":
    base = RunConfig(name="small")
    configs = [base, replace(base, name="wide", hidden=[64, 32])]
    results = [run_experiment(c) for c in configs]
    print(json.dumps({"results": results, "best": max(results, key=lambda r: r["val_acc"])["run"]}, indent=2))
