"""
CS-ML Lab 4: Breast cancer diagnosis (binary) with a small MLP.
 - class-weighted BCE (dataset is ~63/37)
 - ReduceLROnPlateau on the validation loss
 - early stopping with best-weights restore
"""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

# 1) Load + split ------------------------------------------------
data = load_breast_cancer()
X, y = data.data.astype(np.float32), data.target.astype(np.float32)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=SEED)

# 2) Standardise with TRAIN statistics only ----------------------
mean = X_tr.mean(axis=0)
std = X_tr.std(axis=0) + 1e-8
X_tr = (X_tr - mean) / std
X_va = (X_va - mean) / std

X_tr, X_va = torch.from_numpy(X_tr), torch.from_numpy(X_va)
y_tr, y_va = torch.from_numpy(y_tr), torch.from_numpy(y_va)
assert X_tr.shape == (455, 30), X_tr.shape
assert y_tr.shape == (455,)

# 3) Class weight for the positive class -------------------------
n_pos = y_tr.sum().item()
n_neg = len(y_tr) - n_pos
pos_weight = torch.tensor([n_neg / n_pos])
print(f"pos={n_pos:.0f} neg={n_neg:.0f} pos_weight={pos_weight.item():.3f}")

# 4) Model -------------------------------------------------------
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.3),
                                  nn.Linear(64, 32), nn.ReLU())
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        return self.head(self.body(x)).squeeze(-1)   # logits, shape (B,)

net = Net()
crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)

# 5) Train loop with early stopping ------------------------------
best_loss, best_state, bad, patience = float("inf"), None, 0, 8
ds = torch.utils.data.TensorDataset(X_tr, y_tr)
loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)

print(f"{'ep':>3} {'train_loss':>10} {'val_loss':>9} {'val_acc':>8} {'lr':>9}")
for ep in range(1, 101):
    net.train()
    s = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        logit = net(xb)
        assert logit.shape == yb.shape
        loss = crit(logit, yb)
        loss.backward()
        opt.step()
        s += loss.item() * len(xb)
    net.eval()
    with torch.no_grad():
        vlog = net(X_va)
        vloss = crit(vlog, y_va).item()
        vacc = ((vlog > 0).float() == y_va).float().mean().item()
    sched.step(vloss)
    print(f"{ep:3d} {s/len(ds):10.4f} {vloss:9.4f} {vacc:8.3f} {opt.param_groups[0]['lr']:9.2e}")
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
    pred = (net(X_va) > 0).float()
acc = (pred == y_va).float().mean().item()
tpr = ((pred == 1) & (y_va == 1)).sum().item() / (y_va == 1).sum().item()
tnr = ((pred == 0) & (y_va == 0)).sum().item() / (y_va == 0).sum().item()
print(f"best val loss {best_loss:.4f} | val acc {acc:.3f} | balanced acc {(tpr+tnr)/2:.3f}")
