"""Breast-cancer classifier: weighted BCE, ReduceLROnPlateau on val loss, early stopping."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.manual_seed(7)
np.random.seed(7)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=7)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.float32)
y_va_np = y_va
y_va = torch.tensor(y_va, dtype=torch.float32)

n_pos = y_tr.sum()
pos_weight = (len(y_tr) - n_pos) / n_pos

model = nn.Sequential(
    nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(32, 1),
)
crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4, foreach=True)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=4)

BS, MAX_EPOCHS, PATIENCE = 32, 150, 12
best_loss, best_state, bad = float("inf"), None, 0
for epoch in range(MAX_EPOCHS):
    model.train()
    perm = torch.randperm(len(X_tr))
    tl = 0.0
    for i in range(0, len(X_tr), BS):
        idx = perm[i:i + BS]
        opt.zero_grad(set_to_none=True)
        loss = crit(model(X_tr[idx]).squeeze(1), y_tr[idx])
        loss.backward()
        opt.step()
        tl += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(X_va).squeeze(1)
        vl = crit(logits, y_va).item()
        vacc = ((logits > 0).float() == y_va).float().mean().item()
    plateau.step(vl)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d} train_loss {tl / len(X_tr):.4f} val_loss {vl:.4f} val_acc {vacc:.4f} "
              f"lr {opt.param_groups[0]['lr']:.1e}")
    if vl < best_loss - 1e-4:
        best_loss, best_state, bad = vl, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= PATIENCE:
            print(f"early stopping at epoch {epoch} (best val_loss {best_loss:.4f})")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = (model(X_va).squeeze(1) > 0).long().numpy()
print(f"final val_acc {(pred == y_va_np).mean():.4f}  balanced_acc {balanced_accuracy_score(y_va_np, pred):.4f}")
