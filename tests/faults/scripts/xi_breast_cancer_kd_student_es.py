import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(2024)
np.random.seed(2024)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=2024)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)

counts = torch.bincount(y_tr).float()
class_w = counts.sum() / (2 * counts)
print("class counts", counts.tolist(), "weights", [round(w, 3) for w in class_w.tolist()])


def make(width):
    return nn.Sequential(nn.Linear(30, width), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 2))


def count(m):
    return sum(p.numel() for p in m.parameters())


def evaluate(m):
    m.eval()
    with torch.no_grad():
        logits = m(X_va)
        loss = F.cross_entropy(logits, y_va, weight=class_w).item()
        prob = logits.softmax(1)[:, 1].numpy()
    pred = (prob > 0.5).astype(int)
    return loss, balanced_accuracy_score(y_va.numpy(), pred), roc_auc_score(y_va.numpy(), prob)


def fit(model, loss_fn, tag, lr, max_epochs=60, patience=8):
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
    best, best_state, bad = float("inf"), None, 0
    for epoch in range(max_epochs):
        model.train()
        perm = torch.randperm(len(X_tr))
        run = 0.0
        for i in range(0, len(perm), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(X_tr[idx]), idx)
            loss.backward()
            opt.step()
            run += loss.item() * len(idx)
        val_loss, bacc, auc = evaluate(model)
        sched.step(val_loss)
        print(f"[{tag}] ep {epoch + 1:2d} train {run / len(X_tr):.4f} val {val_loss:.4f} "
              f"bal-acc {bacc:.3f} auc {auc:.3f} lr {opt.param_groups[0]['lr']:.1e}")
        if val_loss < best - 1e-4:
            best, best_state, bad = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                print(f"[{tag}] early stop at epoch {epoch + 1}")
                break
    model.load_state_dict(best_state)
    return model


teacher = fit(make(64), lambda out, idx: F.cross_entropy(out, y_tr[idx], weight=class_w),
              "teacher", lr=3e-4)
teacher.eval()
with torch.no_grad():
    T = 3.0
    soft = F.softmax(teacher(X_tr) / T, dim=1)


def kd_loss(out, idx, alpha=0.5):
    hard = F.cross_entropy(out, y_tr[idx], weight=class_w)
    softl = F.kl_div(F.log_softmax(out / T, dim=1), soft[idx], reduction="batchmean") * T * T
    return alpha * hard + (1 - alpha) * softl


student = fit(make(8), kd_loss, "student", lr=3e-3)
for name, m in (("teacher", teacher), ("student", student)):
    _, bacc, auc = evaluate(m)
    print(f"{name}: {count(m):6d} params  val balanced acc {bacc:.3f}  auc {auc:.3f}")
