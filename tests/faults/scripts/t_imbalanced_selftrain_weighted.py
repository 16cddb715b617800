"""Semi-supervised pipeline on an imbalanced 3-class table.

1. fit a class-weighted MLP on the small labelled set (early stopping on val loss)
2. pseudo-label the unlabelled pool where the model is confident
3. refit on labelled + pseudo-labelled rows with ReduceLROnPlateau, early stopping
"""
import copy
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score, accuracy_score

np.random.seed(8)
torch.manual_seed(8)

X, y = make_classification(n_samples=2400, n_features=16, n_informative=10, n_redundant=2,
                           n_classes=3, weights=[0.6, 0.3, 0.1], class_sep=1.5, random_state=8)
X_rest, X_val, y_rest, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=8)
X_lab, X_unl, y_lab, _ = train_test_split(X_rest, y_rest, train_size=500, stratify=y_rest, random_state=8)

scaler = StandardScaler().fit(X_lab)
X_lab, X_unl, X_val = (scaler.transform(a).astype(np.float32) for a in (X_lab, X_unl, X_val))

counts = np.bincount(y_lab, minlength=3)
class_w = torch.tensor(len(y_lab) / (3 * counts), dtype=torch.float32)
print("labelled class counts", counts.tolist(), "weights", [round(w, 2) for w in class_w.tolist()])

Xv_t, yv_t = torch.from_numpy(X_val), torch.from_numpy(y_val)


def build():
    return nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 3))


def train(X_np, y_np, sample_w=None, max_epochs=60, patience=8, tag=""):
    Xt, yt = torch.from_numpy(X_np), torch.from_numpy(y_np).long()
    wt = torch.ones(len(Xt)) if sample_w is None else torch.from_numpy(sample_w).float()
    model = build()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
    crit = nn.CrossEntropyLoss(weight=class_w, reduction="none")
    best, best_state, bad = float("inf"), None, 0
    for epoch in range(max_epochs):
        model.train()
        perm = torch.randperm(len(Xt))
        run = 0.0
        for i in range(0, len(Xt), 32):
            b = perm[i:i + 32]
            per_row = crit(model(Xt[b]), yt[b]) * wt[b]
            loss = per_row.sum() / (class_w[yt[b]] * wt[b]).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            run += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            val_loss = nn.functional.cross_entropy(model(Xv_t), yv_t, weight=class_w).item()
        plateau.step(val_loss)
        if epoch % 5 == 0:
            print(f"{tag} epoch {epoch:3d} train {run / len(Xt):.4f} val {val_loss:.4f} lr {opt.param_groups[0]['lr']:.1e}")
        if val_loss < best - 1e-4:
            best, best_state, bad = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                print(f"{tag} early stop at epoch {epoch}, best val loss {best:.4f}")
                break
    model.load_state_dict(best_state)
    model.eval()
    return model


def report(model, name):
    with torch.no_grad():
        pred = model(Xv_t).argmax(1).numpy()
    print(f"{name}: val acc {accuracy_score(y_val, pred):.4f}  balanced acc {balanced_accuracy_score(y_val, pred):.4f}")


m0 = train(X_lab, y_lab, tag="[sup]")
report(m0, "supervised only")

with torch.no_grad():
    probs = torch.softmax(m0(torch.from_numpy(X_unl)), dim=1)
conf, pseudo = probs.max(1)
keep = (conf > 0.95).numpy()
print(f"pseudo-labelled {keep.sum()} / {len(X_unl)} pool rows")

X_all = np.concatenate([X_lab, X_unl[keep]])
y_all = np.concatenate([y_lab, pseudo.numpy()[keep]])
w_all = np.concatenate([np.ones(len(X_lab)), np.full(keep.sum(), 0.5)]).astype(np.float32)
m1 = train(X_all, y_all, sample_w=w_all, tag="[self]")
report(m1, "self-trained")
