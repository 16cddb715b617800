import copy
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

# one-vs-rest: "is this digit a 9?"  (~10% positives)
digits = load_digits()
X = digits.data.astype(np.float32)
y = (digits.target == 9).astype(np.float32)
X_tr, X_tmp, y_tr, y_tmp = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
X_va, X_te, y_va, y_te = train_test_split(X_tmp, y_tmp, test_size=0.5, stratify=y_tmp, random_state=0)
scaler = StandardScaler().fit(X_tr)
to_t = lambda a: torch.tensor(scaler.transform(a), dtype=torch.float32)
Xtr, Xva, Xte = to_t(X_tr), to_t(X_va), to_t(X_te)
ytr = torch.tensor(y_tr)
print(f"train {len(Xtr)} rows, positive rate {y_tr.mean():.3f}")

model = nn.Sequential(
    nn.Linear(64, 96), nn.BatchNorm1d(96), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(96, 32), nn.ReLU(),
    nn.Linear(32, 1),
)
pos_weight = torch.tensor([(1 - y_tr.mean()) / y_tr.mean()])
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)

EPOCHS, BS = 30, 32
steps_per_epoch = math.ceil(len(Xtr) / BS)
total, warm = EPOCHS * steps_per_epoch, 2 * steps_per_epoch
lr_lambda = lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (total - warm)))
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)


def evaluate(xs, ys):
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(xs).squeeze(1)).numpy()
    return p, balanced_accuracy_score(ys, p > 0.5)


best_bal, best_state, since_best = -1.0, None, 0
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    losses = []
    for i in range(0, len(Xtr), BS):
        idx = perm[i:i + BS]
        if len(idx) < 2:
            continue
        optimizer.zero_grad()
        loss = criterion(model(Xtr[idx]).squeeze(1), ytr[idx])
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    _, bal = evaluate(Xva, y_va)
    print(f"epoch {epoch + 1:2d}  loss {np.mean(losses):.4f}  val balanced acc {bal:.3f}  "
          f"lr {scheduler.get_last_lr()[0]:.4f}")
    if bal > best_bal:
        best_bal, best_state, since_best = bal, copy.deepcopy(model.state_dict()), 0
    else:
        since_best += 1
        if since_best >= 10:
            print("no improvement for 10 epochs, stopping")
            break

model.load_state_dict(best_state)
p, bal = evaluate(Xte, y_te)
print(f"test balanced acc {bal:.3f}  F1 {f1_score(y_te, p > 0.5):.3f}  "
      f"AUC {roc_auc_score(y_te, p):.4f}  Brier {brier_score_loss(y_te, p):.4f}")
