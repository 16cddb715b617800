"""Multi-seed runner for a batch-norm MLP on two-moons (SGD + momentum, StepLR)."""
import json
import statistics

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

CFG = dict(
    data=dict(n=1000, noise=0.2, val_frac=0.3, batch=32),
    model=dict(name="bn_mlp", width=32, depth=2),
    optim=dict(name="sgd", lr=0.05, momentum=0.9, nesterov=True),
    sched=dict(name="step", step_size=10, gamma=0.3),
    epochs=25,
    seeds=[11, 12, 13],
)


def bn_mlp(width, depth, in_dim=2, n_out=2):
    mods, d = [], in_dim
    for _ in range(depth):
        mods += [nn.Linear(d, width), nn.BatchNorm1d(width), nn.ReLU()]
        d = width
    mods.append(nn.Linear(d, n_out))
    return nn.Sequential(*mods)


BUILDERS = {
    "model": {"bn_mlp": lambda c: bn_mlp(c["width"], c["depth"])},
    "optim": {"sgd": lambda params, c: torch.optim.SGD(params, lr=c["lr"], momentum=c["momentum"],
                                                       nesterov=c["nesterov"])},
    "sched": {"step": lambda opt, c: torch.optim.lr_scheduler.StepLR(opt, step_size=c["step_size"],
                                                                     gamma=c["gamma"])},
}


def build_model(cfg):
    return BUILDERS["model"][cfg["model"]["name"]](cfg["model"])


def data_for_seed(cfg, seed):
    X, y = make_moons(n_samples=cfg["n"], noise=cfg["noise"], random_state=seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=cfg["val_frac"], random_state=seed, stratify=y)
    sc = StandardScaler().fit(X_tr)
    tr = TensorDataset(torch.tensor(sc.transform(X_tr), dtype=torch.float32), torch.tensor(y_tr))
    va = TensorDataset(torch.tensor(sc.transform(X_va), dtype=torch.float32), torch.tensor(y_va))
    return (DataLoader(tr, batch_size=cfg["batch"], shuffle=True, drop_last=True),
            DataLoader(va, batch_size=512))


def accuracy(model, loader):
    model.eval()
    hits = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            hits += (model(xb).argmax(-1) == yb).sum().item()
            total += len(yb)
    return hits / total


def run_experiment(cfg, seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    train_dl, val_dl = data_for_seed(cfg["data"], seed)
    model = build_model(cfg)
    opt = BUILDERS["optim"][cfg["optim"]["name"]](model.parameters(), cfg["optim"])
    sched = BUILDERS["sched"][cfg["sched"]["name"]](opt, cfg["sched"])
    crit = nn.CrossEntropyLoss()
    for ep in range(cfg["epochs"]):
        model.train()
        losses = []
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = crit(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        sched.step()
        if ep % 5 == 4:
            print(f"[seed {seed}] epoch {ep + 1} loss {np.mean(losses):.4f} val_acc {accuracy(model, val_dl):.3f}")
    return {"seed": seed, "train_acc": accuracy(model, train_dl), "val_acc": accuracy(model, val_dl)}


if __name__ == "__main__":
    runs = [run_experiment(CFG, s) for s in CFG["seeds"]]
    summary = {"runs": runs, "val_acc_mean": statistics.mean(r["val_acc"] for r in runs)}
    print(json.dumps(summary, indent=2))
