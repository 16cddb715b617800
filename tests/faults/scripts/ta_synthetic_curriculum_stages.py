#!/usr/bin/env python
# Curriculum learning on a synthetic 4-class problem.
# Difficulty of every row = margin of a quick logistic-regression probe;
# the MLP sees the data in 4 stages from easiest to hardest, rows shuffled within a stage.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
rng = np.random.default_rng(21)
torch.manual_seed(21)

N_STAGES = 4
EPOCHS_PER_STAGE = 6
BATCH = 64
VAL_SHARE = 0.2

X, y = make_classification(n_samples=3000, n_features=20, n_informative=10,
                           n_redundant=4, n_classes=4, n_clusters_per_class=2,
                           class_sep=1.2, flip_y=0.02, random_state=21)
X = X.astype(np.float32)


def difficulty_scores(X, y):
    probe = LogisticRegression(max_iter=2000).fit(X, y)
    proba = probe.predict_proba(X)
    p_true = proba[np.arange(len(y)), y]
    proba[np.arange(len(y)), y] = -1.0
    margin = p_true - proba.max(axis=1)
    return -margin  # higher = harder


score = difficulty_scores(X, y)
order = np.argsort(score)
X, y, score = X[order], y[order], score[order]

n_val = int(VAL_SHARE * len(X))
X_tr, y_tr, s_tr = X[:-n_val], y[:-n_val], score[:-n_val]
X_va, y_va = X[-n_val:], y[-n_val:]

mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd
print(f"train {len(X_tr)} rows, val {len(X_va)} rows, 4 classes")

# stage boundaries by difficulty quantile within the training split
edges = np.quantile(s_tr, np.linspace(0, 1, N_STAGES + 1))
stage_of = np.clip(np.searchsorted(edges, s_tr, side="right") - 1, 0, N_STAGES - 1)

Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr)
Xv, yv = torch.from_numpy(X_va), torch.from_numpy(y_va)

model = nn.Sequential(
    nn.Linear(20, 128), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 4),
)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)


def curriculum_order(stage):
    """Rows of stages 0..stage, easy stages first, shuffled inside each stage."""
    chunks = []
    for s in range(stage + 1):
        idx = np.where(stage_of == s)[0]
        chunks.append(rng.permutation(idx))
    return np.concatenate(chunks)


def run_val():
    model.eval()
    with torch.no_grad():
        logits = model(Xv)
        return F.cross_entropy(logits, yv).item(), (logits.argmax(1) == yv).float().mean().item()


def run_train_acc():
    model.eval()
    with torch.no_grad():
        return (model(Xt).argmax(1) == yt).float().mean().item()


epoch = 0
for stage in range(N_STAGES):
    for _ in range(EPOCHS_PER_STAGE):
        model.train()
        idx = torch.from_numpy(curriculum_order(stage))
        losses = []
        for i in range(0, len(idx), BATCH):
            b = idx[i:i + BATCH]
            opt.zero_grad()
            loss = F.cross_entropy(model(Xt[b]), yt[b])
            loss.backward()
            opt.step()
            losses.append(loss.item())
        epoch += 1
        vl, va = run_val()
        print(f"stage {stage} epoch {epoch:2d} rows {len(idx):4d} "
              f"loss {np.mean(losses):.4f} val_loss {vl:.4f} val_acc {va:.4f}")

print(f"train acc {run_train_acc():.4f}")
print(f"val acc   {run_val()[1]:.4f}")
