"""Breast cancer (WDBC) binary classifier, stratified 5-fold split (fold 3 shown).
pos_weight for the class ratio, OneCycle per batch, LightGBM-style early stopping on val AUC."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import roc_auc_score, accuracy_score, f1_score

torch.set_num_threads(1)
SEED = 31
np.random.seed(SEED)
torch.manual_seed(SEED)

X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # malignant = positive class
tr, va = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(X, y))[3]

# log1p the heavy-tailed area/perimeter columns, then z-score with train-fold stats
X = X.copy()
X[:, [2, 3, 12, 13, 22, 23]] = np.log1p(X[:, [2, 3, 12, 13, 22, 23]])
mu, sd = X[tr].mean(0), X[tr].std(0)
X = (X - mu) / sd
Xtr, Xva = torch.tensor(X[tr], dtype=torch.float32), torch.tensor(X[va], dtype=torch.float32)
ytr, yva = torch.tensor(y[tr], dtype=torch.float32), y[va]

model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.3),
                      nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3),
                      nn.Linear(32, 1))
pos_weight = (ytr == 0).sum() / (ytr == 1).sum()
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)

EPOCHS, BS = 60, 32
steps_per_epoch = (len(Xtr) + BS - 1) // BS
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, epochs=EPOCHS,
                                                steps_per_epoch=steps_per_epoch)

best_auc, best_iter, best_state = 0.0, 0, None
EARLY_STOP = 12
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    loss_sum = 0.0
    for i in range(0, len(Xtr), BS):
        b = perm[i:i + BS]
        optimizer.zero_grad()
        loss = criterion(model(Xtr[b]).squeeze(1), ytr[b])
        loss.backward()
        optimizer.step()
        scheduler.step()
        loss_sum += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(Xva).squeeze(1)).numpy()
    auc = roc_auc_score(yva, p)
    if epoch % 5 == 0:
        print(f"[{epoch:3d}]\ttrain's bce: {loss_sum / len(Xtr):.5f}\tvalid's auc: {auc:.5f}")
    if auc > best_auc:
        best_auc, best_iter, best_state = auc, epoch, copy.deepcopy(model.state_dict())
    elif epoch - best_iter >= EARLY_STOP:
        print(f"Early stopping, best iteration is: [{best_iter}]\tvalid's auc: {best_auc:.5f}")
        break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    p = torch.sigmoid(model(Xva).squeeze(1)).numpy()
print(f"fold 3: AUC {roc_auc_score(yva, p):.4f}  ACC {accuracy_score(yva, p > 0.5):.4f}  F1 {f1_score(yva, p > 0.5):.4f}")
