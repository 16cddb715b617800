"""Churn prediction: table = [customer_id | 20 features | churned]; manual fold split."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score, accuracy_score, f1_score

torch.set_num_threads(1)
SEED = 99
rng = np.random.RandomState(SEED)
torch.manual_seed(SEED)

# ---- build the "competition table" ------------------------------------------------------
feats, target = make_classification(n_samples=3000, n_features=20, n_informative=6, n_redundant=4,
                                    flip_y=0.12, class_sep=0.8, random_state=SEED)
customer_id = rng.permutation(len(target)) + 100000
table = np.column_stack([customer_id, feats, target]).astype(np.float64)
ID_COL, TARGET_COL = 0, table.shape[1] - 1

FEATURES = [c for c in range(table.shape[1]) if c != ID_COL]

# ---- fold assignment by hand (5 folds, use fold 0 as holdout) ----------------------------
fold_of_row = rng.randint(0, 5, size=len(table))
trn = table[fold_of_row != 0]
val = table[fold_of_row == 0]

X_trn, y_trn = trn[:, FEATURES], trn[:, TARGET_COL]
X_val, y_val = val[:, FEATURES], val[:, TARGET_COL]
mu, sigma = X_trn.mean(0), X_trn.std(0) + 1e-9
X_trn = torch.tensor((X_trn - mu) / sigma, dtype=torch.float32)
X_val = torch.tensor((X_val - mu) / sigma, dtype=torch.float32)
y_trn_t = torch.tensor(y_trn, dtype=torch.float32)

model = nn.Sequential(nn.Linear(X_trn.shape[1], 64), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
criterion = nn.BCEWithLogitsLoss()

print(f"train rows {len(trn)}  valid rows {len(val)}  n_features {X_trn.shape[1]}")
for epoch in range(25):
    model.train()
    order = torch.randperm(len(X_trn))
    ep = 0.0
    for i in range(0, len(order), 128):
        b = order[i:i + 128]
        optimizer.zero_grad()
        loss = criterion(model(X_trn[b]).squeeze(1), y_trn_t[b])
        loss.backward()
        optimizer.step()
        ep += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(X_val).squeeze(1)).numpy()
    if epoch % 4 == 0 or epoch == 24:
        print(f"epoch {epoch:2d} bce {ep / len(X_trn):.4f} val_auc {roc_auc_score(y_val, p):.4f}")

print(f"holdout AUC {roc_auc_score(y_val, p):.4f}  ACC {accuracy_score(y_val, p > 0.5):.4f}  F1 {f1_score(y_val, p > 0.5):.4f}")
