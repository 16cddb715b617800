"""Binary scorer trained with online hard-negative mining (OHEM).

Each batch keeps every positive plus the hardest negatives (3 per positive, at least 16).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import average_precision_score, roc_auc_score, balanced_accuracy_score, confusion_matrix

g = torch.Generator().manual_seed(99)
torch.manual_seed(99)
np.random.seed(99)

X, y = make_classification(n_samples=5000, n_features=30, n_informative=12, n_redundant=8,
                           weights=[0.92, 0.08], class_sep=1.3, flip_y=0.01, random_state=99)
X_tr, X_tmp, y_tr, y_tmp = train_test_split(X, y, test_size=0.3, stratify=y, random_state=99)
X_va, X_te, y_va, y_te = train_test_split(X_tmp, y_tmp, test_size=0.5, stratify=y_tmp, random_state=99)
mu, sd = X_tr.mean(0), X_tr.std(0)
to_t = lambda a: torch.tensor((a - mu) / sd, dtype=torch.float32)
Xtr, Xva, Xte = to_t(X_tr), to_t(X_va), to_t(X_te)
ytr = torch.tensor(y_tr, dtype=torch.float32)
print(f"train/val/test = {len(y_tr)}/{len(y_va)}/{len(y_te)}, positive rate {y_tr.mean():.3f}")

loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=256, shuffle=True, drop_last=True, generator=g)

model = nn.Sequential(
    nn.Linear(30, 128), nn.BatchNorm1d(128), nn.ReLU(),
    nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 1),
)
optim = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
EPOCHS = 25
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=EPOCHS)


def ohem_loss(logits, target, neg_per_pos=3, min_neg=16):
    per = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    pos = target > 0.5
    n_neg = max(min_neg, neg_per_pos * int(pos.sum()))
    neg_losses = per[~pos]
    hard = torch.topk(neg_losses, k=min(n_neg, neg_losses.numel())).values
    return torch.cat([per[pos], hard]).mean()


def scores(Xs):
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(Xs).squeeze(1)).numpy()


best_ap, best_state = 0.0, None
for epoch in range(EPOCHS):
    model.train()
    run_loss = []
    for xb, yb in loader:
        optim.zero_grad()
        loss = ohem_loss(model(xb).squeeze(1), yb)
        loss.backward()
        optim.step()
        run_loss.append(loss.item())
    cosine.step()
    ap = average_precision_score(y_va, scores(Xva))
    if ap > best_ap:
        best_ap = ap
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    print(f"epoch {epoch + 1:2d}: ohem loss {np.mean(run_loss):.4f}, val AP {ap:.4f}")

model.load_state_dict(best_state)
p_va = scores(Xva)
cands = np.quantile(p_va, np.linspace(0.5, 0.99, 50))
thr = max(cands, key=lambda t: balanced_accuracy_score(y_va, p_va >= t))
p_te = scores(Xte)
print(f"chosen threshold {thr:.3f} (val balanced acc {balanced_accuracy_score(y_va, p_va >= thr):.3f})")
print(f"test: AP {average_precision_score(y_te, p_te):.4f}  ROC-AUC {roc_auc_score(y_te, p_te):.4f}  "
      f"balanced acc {balanced_accuracy_score(y_te, p_te >= thr):.4f}")
print(confusion_matrix(y_te, p_te >= thr))
