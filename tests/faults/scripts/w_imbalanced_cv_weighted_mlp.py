#!/usr/bin/env python
"""Stratified 3-fold CV for an imbalanced 3-class problem.

Per fold: standardise on the training part, hold out the fold for
validation, weight the loss by inverse class frequency, keep the epoch
with the best balanced accuracy.
"""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, accuracy_score
from sklearn.model_selection import StratifiedKFold

torch.set_num_threads(1)
torch.manual_seed(5)

X, y = make_classification(n_samples=2400, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=3, weights=[0.7, 0.2, 0.1], class_sep=2.0,
                           random_state=5)
X = X.astype(np.float32)


def run_fold(X_tr, y_tr, X_va, y_va, epochs=25, bs=64):
    mu, sd = X_tr.mean(axis=0), X_tr.std(axis=0) + 1e-8
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr)
    xv = torch.from_numpy(X_va)

    counts = np.bincount(y_tr, minlength=3)
    w = torch.tensor(len(y_tr) / (3 * counts), dtype=torch.float32)
    crit = nn.CrossEntropyLoss(weight=w)

    net = nn.Sequential(nn.Linear(20, 96), nn.ReLU(), nn.Dropout(0.3),
                        nn.Linear(96, 48), nn.ReLU(), nn.Dropout(0.3),
                        nn.Linear(48, 3))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)

    best = (-1.0, None, -1)
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(len(xt))
        losses = []
        for i in range(0, len(perm), bs):
            j = perm[i:i + bs]
            opt.zero_grad()
            loss = crit(net(xt[j]), yt[j])
            loss.backward()
            opt.step()
            losses.append(loss.item())
        net.eval()
        with torch.no_grad():
            pv = net(xv).argmax(1).numpy()
        bal = balanced_accuracy_score(y_va, pv)
        if bal > best[0]:
            best = (bal, {k: v.clone() for k, v in net.state_dict().items()}, ep)
        if ep % 6 == 0 or ep == epochs - 1:
            print(f"    epoch {ep:2d} loss {np.mean(losses):.4f} val_bal_acc {bal:.4f}")
    net.load_state_dict(best[1])
    net.eval()
    with torch.no_grad():
        pv = net(xv).argmax(1).numpy()
    return accuracy_score(y_va, pv), balanced_accuracy_score(y_va, pv), best[2]


accs, bals = [], []
for k, (tr, va) in enumerate(StratifiedKFold(3, shuffle=True, random_state=5).split(X, y)):
    print(f"fold {k}: train {len(tr)} val {len(va)} class counts {np.bincount(y[tr])}")
    acc, bal, ep = run_fold(X[tr], y[tr], X[va], y[va])
    accs.append(acc)
    bals.append(bal)
    print(f"fold {k}: best epoch {ep} val acc {acc:.4f} val balanced acc {bal:.4f}")

print(f"CV accuracy {np.mean(accs):.4f}  CV balanced accuracy {np.mean(bals):.4f}")
