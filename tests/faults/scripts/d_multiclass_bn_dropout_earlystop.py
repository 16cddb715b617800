"""Fold-0 MLP for the 6-class synthetic tabular playground data.
BatchNorm + dropout blocks, hand-rolled early stopping on validation macro-F1."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import accuracy_score, f1_score

torch.set_num_threads(1)
np.random.seed(0)
torch.manual_seed(0)

X, y = make_classification(n_samples=3000, n_features=24, n_informative=14, n_redundant=4,
                           n_classes=6, n_clusters_per_class=1, class_sep=1.3, random_state=0)
tr_idx, va_idx = next(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))

mean_, std_ = X[tr_idx].mean(0), X[tr_idx].std(0)
Xs = ((X - mean_) / std_).astype(np.float32)
X_tr, y_tr = torch.from_numpy(Xs[tr_idx]), torch.from_numpy(y[tr_idx])
X_va, y_va = torch.from_numpy(Xs[va_idx]), y[va_idx]


def block(i, o, p):
    return nn.Sequential(nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(), nn.Dropout(p))


model = nn.Sequential(block(24, 256, 0.5), block(256, 128, 0.5), block(128, 64, 0.5), nn.Linear(64, 6))
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()


def validate(net, X, bs=32):
    preds = []
    with torch.no_grad():
        for i in range(0, len(X), bs):
            preds.append(net(X[i:i + bs]).argmax(1))
    return torch.cat(preds).numpy()


best_f1, best_state, bad_rounds, patience = -1.0, None, 0, 8
for epoch in range(60):
    model.train()
    perm = torch.randperm(len(X_tr))
    ep_loss = 0.0
    for i in range(0, len(X_tr), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
        ep_loss += loss.item() * len(idx)
    pred = validate(model, X_va)
    f1 = f1_score(y_va, pred, average="macro")
    print(f"epoch {epoch:02d}  loss {ep_loss / len(X_tr):.4f}  val_f1 {f1:.4f}")
    if f1 > best_f1:
        best_f1, best_state, bad_rounds = f1, copy.deepcopy(model.state_dict()), 0
    else:
        bad_rounds += 1
        if bad_rounds >= patience:
            print(f"early stopping at epoch {epoch}, best val_f1 {best_f1:.4f}")
            break

model.load_state_dict(best_state)
pred = validate(model, X_va)
print(f"VAL accuracy {accuracy_score(y_va, pred):.4f}  macro-F1 {f1_score(y_va, pred, average='macro'):.4f}")
