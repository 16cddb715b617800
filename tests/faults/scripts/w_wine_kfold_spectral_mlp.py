"""3-fold CV on the wine data with a spectrally normalised MLP.

A fresh model is trained per fold, with a held-out validation fold for
early stopping; fold accuracies are averaged at the end.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm
from sklearn.datasets import load_wine
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_wine(return_X_y=True)
X = X.astype(np.float32)
n_classes = int(y.max()) + 1


def make_model(d_in, d_hidden=64):
    return nn.Sequential(
        spectral_norm(nn.Linear(d_in, d_hidden)),
        nn.ReLU(),
        nn.Dropout(0.2),
        spectral_norm(nn.Linear(d_hidden, d_hidden)),
        nn.ReLU(),
        nn.Linear(d_hidden, n_classes),
    )


def evaluate(model, xb, yb):
    model.eval()
    with torch.no_grad():
        logits = model(xb)
        loss = nn.functional.cross_entropy(logits, yb).item()
        acc = (logits.argmax(1) == yb).float().mean().item()
    return loss, acc


skf = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
fold_acc = []
for fold, (tr_idx, va_idx) in enumerate(skf.split(X, y)):
    scaler = StandardScaler().fit(X[tr_idx])
    Xtr = torch.tensor(scaler.transform(X[tr_idx]), dtype=torch.float32)
    Xva = torch.tensor(scaler.transform(X[va_idx]), dtype=torch.float32)
    ytr = torch.tensor(y[tr_idx])
    yva = torch.tensor(y[va_idx])

    model = make_model(X.shape[1])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    epochs = 60
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()

    best_loss, best_state, patience, bad = float("inf"), None, 12, 0
    batch = 16
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(Xtr))
        running = 0.0
        for i in range(0, len(Xtr), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(Xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        sched.step()
        va_loss, va_acc = evaluate(model, Xva, yva)
        if epoch % 10 == 0 or epoch == epochs - 1:
            print(f"fold {fold} epoch {epoch:3d} train_loss {running / len(Xtr):.4f} "
                  f"val_loss {va_loss:.4f} val_acc {va_acc:.3f}")
        if va_loss < best_loss - 1e-4:
            best_loss, best_state, bad = va_loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                print(f"fold {fold} early stop at epoch {epoch}")
                break

    model.load_state_dict(best_state)
    _, acc = evaluate(model, Xva, yva)
    fold_acc.append(acc)
    print(f"fold {fold} best val_loss {best_loss:.4f} val_acc {acc:.3f}")

print(f"mean val acc over folds: {np.mean(fold_acc):.3f} +- {np.std(fold_acc):.3f}")
