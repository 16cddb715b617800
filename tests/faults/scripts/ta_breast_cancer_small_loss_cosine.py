# Breast cancer: noisy training labels, small-loss row selection, class-weighted CE,
# cosine LR per epoch and early stopping on the clean validation loss.
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

SEED = 2024
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

noise_rate = 0.2
rng = np.random.default_rng(SEED)
flip = rng.random(len(y_tr)) < noise_rate
y_tr_noisy = np.where(flip, 1 - y_tr, y_tr)
print(f"train {len(y_tr)} (flipped {flip.sum()}), val {len(y_va)}")

counts = np.bincount(y_tr_noisy, minlength=2)
class_w = torch.tensor(len(y_tr_noisy) / (2.0 * counts), dtype=torch.float32)
print("class weights", class_w.numpy().round(3))

X_tr_t = torch.tensor(X_tr, dtype=torch.float32)
y_tr_t = torch.tensor(y_tr_noisy, dtype=torch.long)
X_va_t = torch.tensor(X_va, dtype=torch.float32)
y_va_t = torch.tensor(y_va, dtype=torch.long)
row_id = torch.arange(len(y_tr_t))
loader = DataLoader(TensorDataset(X_tr_t, y_tr_t, row_id), batch_size=32, shuffle=True,
                    generator=torch.Generator().manual_seed(SEED))

model = nn.Sequential(
    nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(64, 32), nn.ReLU(),
    nn.Linear(32, 2),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
MAX_EPOCHS = 60
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=MAX_EPOCHS, eta_min=1e-5)
PATIENCE = 10
WARMUP = 5   # epochs on all rows before selection kicks in


def forget_rate(epoch):
    return 0.0 if epoch < WARMUP else min(noise_rate, noise_rate * (epoch - WARMUP + 1) / 5)


best_loss, best_state, bad_epochs = float("inf"), None, 0
for epoch in range(MAX_EPOCHS):
    model.train()
    rate = forget_rate(epoch)
    seen, kept_noisy, kept, loss_sum = 0, 0, 0, 0.0
    for xb, yb, ids in loader:
        per = F.cross_entropy(model(xb), yb, weight=class_w, reduction="none")
        n_keep = max(1, int(round((1 - rate) * len(yb))))
        keep = torch.argsort(per.detach())[:n_keep]
        loss = per[keep].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * n_keep
        kept += n_keep
        kept_noisy += int(flip[ids[keep].numpy()].sum())
        seen += len(yb)
    sched.step()

    model.eval()
    with torch.no_grad():
        logits = model(X_va_t)
        val_loss = F.cross_entropy(logits, y_va_t).item()
        pred = logits.argmax(1).numpy()
    val_acc = (pred == y_va).mean()
    print(f"epoch {epoch + 1:2d} forget {rate:.2f} noisy-kept {kept_noisy / kept:.3f} "
          f"loss {loss_sum / kept:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f} "
          f"lr {sched.get_last_lr()[0]:.2e}")

    if val_loss < best_loss - 1e-4:
        best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= PATIENCE:
            print(f"early stopping at epoch {epoch + 1}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(X_va_t).argmax(1).numpy()
print(f"best val_loss {best_loss:.4f} | val acc {(pred == y_va).mean():.4f} | "
      f"balanced acc {balanced_accuracy_score(y_va, pred):.4f}")
