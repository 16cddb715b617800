"""Wine classifier driven by a small pipeline config.

Preprocessing, model, optimizer and scheduler are looked up by name from
registries; two seeds are run and summarised as JSON.
"""
import json
import random

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from torch.utils.data import DataLoader, TensorDataset

PIPELINE = {
    "preprocess": "standard",
    "model": {"kind": "mlp", "hidden": 48, "layers": 2, "dropout": 0.1},
    "optimizer": {"kind": "adam", "lr": 2e-3, "weight_decay": 1e-4},
    "scheduler": {"kind": "cosine"},
    "batch_size": 16,
    "epochs": 25,
    "seeds": [1, 2],
}

SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def mlp(in_dim, n_cls, hidden, layers, dropout):
    mods = []
    for _ in range(layers):
        mods += [nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout)]
        in_dim = hidden
    return nn.Sequential(*mods, nn.Linear(in_dim, n_cls))


MODELS = {"mlp": lambda c, i, o: mlp(i, o, c["hidden"], c["layers"], c["dropout"])}
OPTIMIZERS = {
    "adam": lambda ps, c: torch.optim.Adam(ps, lr=c["lr"], weight_decay=c["weight_decay"]),
    "adamw": lambda ps, c: torch.optim.AdamW(ps, lr=c["lr"], weight_decay=c["weight_decay"]),
}
SCHEDULERS = {
    "cosine": lambda opt, epochs: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
    "none": lambda opt, epochs: torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0),
}


def make_dataset(X, y):
    return TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.long))


def prepare(cfg, seed):
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    scaler = SCALERS[cfg["preprocess"]]().fit(X_tr)
    train_ds = make_dataset(scaler.transform(X_tr), y_tr)
    val_ds = make_dataset(X_va, y_va)
    return train_ds, val_ds, X.shape[1], len(np.unique(y))


def run_experiment(cfg, seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    train_ds, val_ds, n_feat, n_cls = prepare(cfg, seed)
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=128)
    model = MODELS[cfg["model"]["kind"]](cfg["model"], n_feat, n_cls)
    opt = OPTIMIZERS[cfg["optimizer"]["kind"]](model.parameters(), cfg["optimizer"])
    sched = SCHEDULERS[cfg["scheduler"]["kind"]](opt, cfg["epochs"])
    crit = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        tl, tc, tn = 0.0, 0, 0
        for xb, yb in train_dl:
            opt.zero_grad()
            out = model(xb)
            loss = crit(out, yb)
            loss.backward()
            opt.step()
            tl += loss.item() * len(yb)
            tc += (out.argmax(1) == yb).sum().item()
            tn += len(yb)
        sched.step()
        model.eval()
        vc, vn, vl = 0, 0, 0.0
        with torch.no_grad():
            for xb, yb in val_dl:
                out = model(xb)
                vl += crit(out, yb).item() * len(yb)
                vc += (out.argmax(1) == yb).sum().item()
                vn += len(yb)
        if (epoch + 1) % 5 == 0:
            print(f"seed={seed} epoch={epoch + 1} train_loss={tl / tn:.4f} train_acc={tc / tn:.3f} "
                  f"val_loss={vl / vn:.4f} val_acc={vc / vn:.3f}")
    return {"seed": seed, "train_acc": round(tc / tn, 4), "val_acc": round(vc / vn, 4), "val_loss": round(vl / vn, 4)}


if __name__ == "__main__":
    runs = [run_experiment(PIPELINE, s) for s in PIPELINE["seeds"]]
    print(json.dumps({"pipeline": PIPELINE["preprocess"], "runs": runs,
                      "mean_val_acc": round(float(np.mean([r["val_acc"] for r in runs])), 4)}, indent=2))
