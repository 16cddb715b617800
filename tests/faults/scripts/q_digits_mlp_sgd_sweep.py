"""Width sweep for a plain-SGD MLP on the sklearn digits.

Configs are nested dicts; components are built from registries by name.
"""
import json
import itertools

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

DEFAULTS = {
    "seed": 0,
    "data": {"val_size": 0.2, "batch_size": 32},
    "model": {"arch": "mlp", "width": 64, "act": "relu"},
    "optimizer": {"name": "sgd", "lr": 1e-5, "momentum": 0.0},
    "epochs": 15,
}
GRID = {"model.width": [64, 128]}

ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh}
OPTIMIZERS = {
    "sgd": lambda p, c: torch.optim.SGD(p, lr=c["lr"], momentum=c["momentum"]),
    "adam": lambda p, c: torch.optim.Adam(p, lr=c["lr"]),
}


def build_model(cfg, in_dim, n_out):
    m = cfg["model"]
    act = ACTS[m["act"]]
    return nn.Sequential(nn.Linear(in_dim, m["width"]), act(),
                         nn.Linear(m["width"], m["width"]), act(),
                         nn.Linear(m["width"], n_out))


def with_overrides(base, flat):
    cfg = json.loads(json.dumps(base))
    for key, val in flat.items():
        node = cfg
        *path, leaf = key.split(".")
        for p in path:
            node = node[p]
        node[leaf] = val
    return cfg


def get_data(cfg):
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=cfg["data"]["val_size"],
                                              stratify=y, random_state=cfg["seed"])
    sc = StandardScaler().fit(X_tr)
    mk = lambda a, b: TensorDataset(torch.tensor(sc.transform(a), dtype=torch.float32), torch.tensor(b))
    return mk(X_tr, y_tr), mk(X_va, y_va)


def run_experiment(cfg):
    torch.manual_seed(cfg["seed"])
    train_ds, val_ds = get_data(cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg["data"]["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=512)
    model = build_model(cfg, 64, 10)
    optimizer = OPTIMIZERS[cfg["optimizer"]["name"]](model.parameters(), cfg["optimizer"])
    criterion = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        losses = []
        for xb, yb in train_dl:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                correct += (model(xb).argmax(1) == yb).sum().item()
                total += len(yb)
        print(f"width={cfg['model']['width']} epoch {epoch + 1:2d} loss {np.mean(losses):.4f} "
              f"val_acc {correct / total:.4f}")
    return {"width": cfg["model"]["width"], "final_loss": round(float(np.mean(losses)), 4),
            "val_acc": round(correct / total, 4)}


if __name__ == "__main__":
    keys = list(GRID)
    results = []
    for values in itertools.product(*GRID.values()):
        cfg = with_overrides(DEFAULTS, dict(zip(keys, values)))
        results.append(run_experiment(cfg))
    print(json.dumps({"sweep": results}, indent=2))
