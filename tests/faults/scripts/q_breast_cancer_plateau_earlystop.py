"""Experiment runner: breast-cancer binary classifier.

BCEWithLogits with a positive-class weight, ReduceLROnPlateau on val loss and
early stopping with best-checkpoint restore. Runs two seeds, reports JSON.
"""
import copy
import json

import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "seeds": [0, 1],
    "data": {"test_size": 0.25, "batch_size": 32},
    "model": {"type": "mlp", "widths": [32, 16], "dropout": 0.1},
    "loss": {"type": "bce_logits", "balance": True},
    "optimizer": {"type": "adam", "lr": 1e-3, "weight_decay": 1e-4},
    "scheduler": {"type": "plateau", "factor": 0.5, "patience": 3},
    "trainer": {"max_epochs": 60, "early_stop_patience": 8},
}


def mlp(in_dim, widths, dropout):
    layers = []
    for w in widths:
        layers += [nn.Linear(in_dim, w), nn.ReLU(), nn.Dropout(dropout)]
        in_dim = w
    layers.append(nn.Linear(in_dim, 1))
    return nn.Sequential(*layers)


REGISTRY = {
    "model": {"mlp": lambda c, d: mlp(d, c["widths"], c["dropout"])},
    "optimizer": {
        "adam": lambda p, c: torch.optim.Adam(p, lr=c["lr"], weight_decay=c["weight_decay"]),
        "sgd": lambda p, c: torch.optim.SGD(p, lr=c["lr"], momentum=0.9),
    },
    "scheduler": {
        "plateau": lambda o, c: torch.optim.lr_scheduler.ReduceLROnPlateau(
            o, mode="min", factor=c["factor"], patience=c["patience"]),
    },
}


def build(kind, cfg, *args):
    return REGISTRY[kind][cfg["type"]](*args, cfg) if kind != "model" else REGISTRY[kind][cfg["type"]](cfg, *args)


def build_loss(cfg, y_train):
    if cfg["type"] == "bce_logits":
        pw = None
        if cfg["balance"]:
            pos = float(y_train.sum())
            pw = torch.tensor([(len(y_train) - pos) / pos])
        return nn.BCEWithLogitsLoss(pos_weight=pw)
    raise ValueError(cfg["type"])


def make_splits(cfg, seed):
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=cfg["test_size"], stratify=y, random_state=seed)
    sc = StandardScaler().fit(X_tr)
    f = lambda a: torch.as_tensor(a, dtype=torch.float32)
    return f(sc.transform(X_tr)), f(y_tr), f(sc.transform(X_va)), f(y_va)


def run_experiment(cfg, seed) -> dict:
    torch.manual_seed(seed)
    np.random.seed(seed)
    X_tr, y_tr, X_va, y_va = make_splits(cfg["data"], seed)
    model = build("model", cfg["model"], X_tr.shape[1])
    opt = build("optimizer", cfg["optimizer"], model.parameters())
    sched = build("scheduler", cfg["scheduler"], opt)
    loss_fn = build_loss(cfg["loss"], y_tr)
    bs = cfg["data"]["batch_size"]

    best = {"val_loss": float("inf"), "epoch": -1, "state": None}
    bad_epochs = 0
    for epoch in range(cfg["trainer"]["max_epochs"]):
        model.train()
        perm = torch.randperm(len(X_tr))
        ep_loss = 0.0
        for i in range(0, len(perm), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = loss_fn(model(X_tr[idx]).squeeze(1), y_tr[idx])
            loss.backward()
            opt.step()
            ep_loss += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            v_logits = model(X_va).squeeze(1)
            v_loss = loss_fn(v_logits, y_va).item()
        sched.step(v_loss)
        if v_loss < best["val_loss"] - 1e-4:
            best = {"val_loss": v_loss, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
            bad_epochs = 0
        else:
            bad_epochs += 1
        print(f"seed {seed} epoch {epoch:02d} train {ep_loss / len(X_tr):.4f} val {v_loss:.4f} "
              f"lr {opt.param_groups[0]['lr']:.2e}")
        if bad_epochs >= cfg["trainer"]["early_stop_patience"]:
            print(f"early stop at epoch {epoch}, best epoch {best['epoch']}")
            break

    model.load_state_dict(best["state"])
    model.eval()
    with torch.no_grad():
        prob = torch.sigmoid(model(X_va).squeeze(1)).numpy()
    pred = (prob > 0.5).astype(int)
    return {"seed": seed, "best_epoch": best["epoch"], "val_loss": round(best["val_loss"], 4),
            "val_acc": round(float((pred == y_va.numpy()).mean()), 4),
            "val_bal_acc": round(float(balanced_accuracy_score(y_va.numpy(), pred)), 4),
            "val_auc": round(float(roc_auc_score(y_va.numpy(), prob)), 4)}


if __name__ == "__main__":
    out = [run_experiment(CONFIG, s) for s in CONFIG["seeds"]]
    print(json.dumps({"runs": out, "mean_val_acc": float(np.mean([r["val_acc"] for r in out]))}, indent=2))
