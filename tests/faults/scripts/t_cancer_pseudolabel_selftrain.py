#!/usr/bin/env python
"""Self-training on breast-cancer data: only 25% of the training rows keep labels.
Round 0 trains on the labelled rows; each later round adds confident pseudo-labels
from the unlabelled pool and retrains from scratch."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import accuracy_score, roc_auc_score

rng = np.random.RandomState(3)
torch.manual_seed(3)

data = load_breast_cancer()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.25, random_state=3, stratify=data.target)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

perm = rng.permutation(len(X_train))
n_lab = len(X_train) // 4
lab_idx, unl_idx = perm[:n_lab], perm[n_lab:]
X_lab = torch.tensor(X_train[lab_idx], dtype=torch.float32)
y_lab = torch.tensor(y_train[lab_idx], dtype=torch.float32)
X_unl = torch.tensor(X_train[unl_idx], dtype=torch.float32)
X_val_t = torch.tensor(X_val, dtype=torch.float32)


def make_net():
    return nn.Sequential(
        nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(64, 32), nn.ReLU(),
        nn.Linear(32, 1), nn.Sigmoid(),
    )


def fit(X, y, epochs=40, bs=32):
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    crit = nn.BCEWithLogitsLoss()
    for ep in range(epochs):
        net.train()
        order = torch.randperm(len(X))
        tot = 0.0
        for s in range(0, len(X), bs):
            b = order[s:s + bs]
            opt.zero_grad()
            loss = crit(net(X[b]).squeeze(1), y[b])
            loss.backward()
            opt.step()
            tot += loss.item() * len(b)
        if ep % 10 == 9:
            print(f"    epoch {ep + 1:3d}  bce {tot / len(X):.4f}")
    return net


def predict_proba(net, X):
    net.eval()
    with torch.no_grad():
        return torch.sigmoid(net(X).squeeze(1)).numpy()


X_cur, y_cur = X_lab, y_lab
pool = X_unl
for rnd in range(3):
    print(f"round {rnd}: training on {len(X_cur)} rows")
    net = fit(X_cur, y_cur)
    p_val = predict_proba(net, X_val_t)
    print(f"  val acc {accuracy_score(y_val, p_val > 0.5):.4f}  val auc {roc_auc_score(y_val, p_val):.4f}")
    if len(pool) == 0:
        break
    p_pool = predict_proba(net, pool)
    conf = (p_pool > 0.9) | (p_pool < 0.1)
    print(f"  adding {int(conf.sum())} pseudo-labelled rows")
    X_cur = torch.cat([X_cur, pool[conf]])
    y_cur = torch.cat([y_cur, torch.tensor((p_pool[conf] > 0.5).astype(np.float32))])
    pool = pool[~conf]

print(f"final val accuracy {accuracy_score(y_val, p_val > 0.5):.4f}")
