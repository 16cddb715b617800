import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import balanced_accuracy_score, average_precision_score, confusion_matrix

torch.manual_seed(123)
np.random.seed(123)

TARGET_DIGIT = 3
digits = load_digits()
X = digits.data.astype(np.float32) / 16.0
y = (digits.target == TARGET_DIGIT).astype(np.int64)

# first fold of a stratified 5-fold split as the hold-out
skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=123)
train_idx, val_idx = next(skf.split(X, y))
X_tr, X_va, y_tr, y_va = X[train_idx], X[val_idx], y[train_idx], y[val_idx]
feat_mean = X_tr.mean(axis=0)
feat_std = X_tr.std(axis=0) + 1e-3
X_tr = (X_tr - feat_mean) / feat_std
X_va = (X_va - feat_mean) / feat_std
print(f"train: {len(y_tr)} rows ({y_tr.sum()} positive), val: {len(y_va)} rows ({y_va.sum()} positive)")

# sample each class equally often
per_class = np.bincount(y_tr)
w = (1.0 / per_class)[y_tr]
sampler = WeightedRandomSampler(weights=torch.from_numpy(w), num_samples=len(y_tr), replacement=True,
                                generator=torch.Generator().manual_seed(123))
train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr))
loader = DataLoader(train_ds, batch_size=64, sampler=sampler)
Xv, yv = torch.from_numpy(X_va), torch.from_numpy(y_va)


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 64)
        self.out = nn.Linear(64, 2)
        self.drop = nn.Dropout(0.25)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.out(x)


model = SmallNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
max_epochs = 40
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max_epochs, eta_min=1e-5)

best_score, best_state, patience, bad_epochs = -1.0, None, 8, 0
for epoch in range(1, max_epochs + 1):
    model.train()
    losses = []
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    sched.step()

    model.eval()
    with torch.no_grad():
        logits = model(Xv)
        val_loss = F.cross_entropy(logits, yv).item()
        pred = logits.argmax(1).numpy()
    score = balanced_accuracy_score(y_va, pred)
    print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.2e}  train {np.mean(losses):.4f}  "
          f"val loss {val_loss:.4f}  val bal-acc {score:.4f}")
    if score > best_score + 1e-4:
        best_score, best_state, bad_epochs = score, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    prob = F.softmax(model(Xv), dim=1)[:, 1].numpy()
pred = (prob > 0.5).astype(int)
print(f"best val balanced accuracy {balanced_accuracy_score(y_va, pred):.4f}, PR-AUC {average_precision_score(y_va, prob):.4f}")
print(confusion_matrix(y_va, pred))
