# Breast cancer MLP: mixup on tabular rows + label smoothing, AdamW, cosine LR,
# early stopping on validation loss with best-checkpoint restore.
import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)

net = nn.Sequential(
    nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(32, 2),
)
EPOCHS, BS, ALPHA, SMOOTH = 60, 32, 0.4, 0.05
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
beta = torch.distributions.Beta(ALPHA, ALPHA)

best_loss, best_state, patience, bad = float("inf"), None, 12, 0
for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(X_tr))
    run = 0.0
    for i in range(0, len(perm), BS):
        idx = perm[i:i + BS]
        xb, yb = X_tr[idx], y_tr[idx]
        lam = beta.sample().item()
        j = torch.randperm(len(xb))
        xm = lam * xb + (1 - lam) * xb[j]
        out = net(xm)
        loss = lam * F.cross_entropy(out, yb, label_smoothing=SMOOTH) + \
            (1 - lam) * F.cross_entropy(out, yb[j], label_smoothing=SMOOTH)
        opt.zero_grad()
        loss.backward()
        opt.step()
        run += loss.item() * len(idx)
    sched.step()

    net.eval()
    with torch.no_grad():
        vo = net(X_va)
        vloss = F.cross_entropy(vo, y_va).item()
        vacc = (vo.argmax(1) == y_va).float().mean().item()
    print(f"[{ep:02d}] train {run / len(X_tr):.4f}  val_loss {vloss:.4f}  val_acc {vacc:.3f}")
    if vloss < best_loss - 1e-4:
        best_loss, best_state, bad = vloss, copy.deepcopy(net.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {ep}")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    acc_tr = (net(X_tr).argmax(1) == y_tr).float().mean().item()
    acc_va = (net(X_va).argmax(1) == y_va).float().mean().item()
print(f"best val loss {best_loss:.4f} | train acc {acc_tr:.3f} | val acc {acc_va:.3f}")
