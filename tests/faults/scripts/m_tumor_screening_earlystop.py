import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score, f1_score

torch.manual_seed(8)
np.random.seed(8)

ds = load_breast_cancer()
X, y = ds.data, ds.target.astype(np.float32)
X_tmp, X_te, y_tmp, y_te = train_test_split(X, y, test_size=0.2, random_state=8, stratify=y)
X_tr, X_va, y_tr, y_va = train_test_split(X_tmp, y_tmp, test_size=0.2, random_state=8, stratify=y_tmp)
scaler = StandardScaler().fit(X_tr)
split = {name: (torch.tensor(scaler.transform(a), dtype=torch.float32), torch.tensor(b))
         for name, a, b in [("train", X_tr, y_tr), ("val", X_va, y_va), ("test", X_te, y_te)]}

pos_weight = torch.tensor([(y_tr == 0).sum() / (y_tr == 1).sum()], dtype=torch.float32)
model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)


def evaluate(name):
    model.eval()
    x, t = split[name]
    with torch.no_grad():
        logits = model(x).squeeze(1)
        return criterion(logits, t).item(), torch.sigmoid(logits).numpy()


best, best_state, wait, patience = float("inf"), None, 0, 8
xtr, ytr = split["train"]
for epoch in range(1, 151):
    model.train()
    perm = torch.randperm(len(ytr))
    tl = 0.0
    for i in range(0, len(perm), 32):
        b = perm[i:i + 32]
        opt.zero_grad()
        loss = criterion(model(xtr[b]).squeeze(1), ytr[b])
        loss.backward()
        opt.step()
        tl += loss.item() * len(b)
    vl, vp = evaluate("val")
    plateau.step(vl)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d} train {tl/len(ytr):.4f} val {vl:.4f} auc {roc_auc_score(y_va, vp):.4f}")
    if vl < best - 1e-4:
        best, best_state, wait = vl, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= patience:
            print(f"early stop at epoch {epoch}, best val loss {best:.4f}")
            break

model.load_state_dict(best_state)
_, tp = evaluate("test")
print(f"test auc {roc_auc_score(y_te, tp):.4f}  test f1 {f1_score(y_te, tp > 0.5):.4f}")
