"""Breast-cancer classifier (malignant = positive), weighted BCE with logits,
gradient clipping, ReduceLROnPlateau, early stopping. Reports ROC-AUC and balanced accuracy."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(2024)
np.random.seed(2024)

data = load_breast_cancer()
X, y = data.data, (data.target == 0).astype(np.float32)   # 1 = malignant
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=2024)
sc = StandardScaler().fit(X_train)
X_train, X_val = sc.transform(X_train), sc.transform(X_val)
to_t = lambda a: torch.tensor(a, dtype=torch.float32)
X_train, X_val, y_train_t, y_val_t = to_t(X_train), to_t(X_val), to_t(y_train), to_t(y_val)

pos_weight = torch.tensor((1 - y_train.mean()) / y_train.mean())
print(f"positives in train: {y_train.mean():.2%}, pos_weight={pos_weight.item():.2f}")

clf = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.Adam(clf.parameters(), lr=2e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.3, patience=4)

best_loss, best_weights, bad_epochs = np.inf, None, 0
for epoch in range(100):
    clf.train()
    perm = torch.randperm(len(X_train))
    tl = 0.0
    for i in range(0, len(perm), 32):
        j = perm[i:i + 32]
        opt.zero_grad()
        loss = loss_fn(clf(X_train[j]).squeeze(1), y_train_t[j])
        loss.backward()
        nn.utils.clip_grad_norm_(clf.parameters(), max_norm=1.0)
        opt.step()
        tl += loss.item() * len(j)
    clf.eval()
    with torch.no_grad():
        v_logits = clf(X_val).squeeze(1)
        vl = loss_fn(v_logits, y_val_t).item()
    sched.step(vl)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d}  train {tl / len(X_train):.4f}  val {vl:.4f}  "
              f"val AUC {roc_auc_score(y_val, v_logits.numpy()):.4f}")
    if vl < best_loss - 1e-4:
        best_loss, best_weights, bad_epochs = vl, copy.deepcopy(clf.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs > 10:
            print(f"no improvement for {bad_epochs} epochs, stopping at epoch {epoch}")
            break

clf.load_state_dict(best_weights)
clf.eval()
with torch.no_grad():
    p_val = torch.sigmoid(clf(X_val).squeeze(1)).numpy()
    p_tr = torch.sigmoid(clf(X_train).squeeze(1)).numpy()
print(f"train acc {((p_tr > 0.5) == y_train).mean():.4f}  val acc {((p_val > 0.5) == y_val).mean():.4f}")
print(f"val balanced acc {balanced_accuracy_score(y_val, p_val > 0.5):.4f}  val AUC {roc_auc_score(y_val, p_val):.4f}")
