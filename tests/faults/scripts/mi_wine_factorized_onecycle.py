import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score

# Low-rank factorised MLP (W = U @ V) for wine, trained with AdamW + OneCycle,
# class-weighted loss, dropout, and early stopping on validation loss.

SEED = 2024
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)


class Factorized(nn.Module):
    """y = x V^T U^T + b, with U (out x r) and V (r x in) initialised orthonormally."""

    def __init__(self, n_in, n_out, r):
        super().__init__()
        U, _ = torch.linalg.qr(torch.randn(n_out, r))
        V, _ = torch.linalg.qr(torch.randn(n_in, r))
        self.U = nn.Parameter(U * (2.0 * n_out / r) ** 0.5)
        self.V = nn.Parameter(V.T.contiguous())
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.einsum("bi,ri,or->bo", x, self.V, self.U) + self.bias


class WineNet(nn.Module):
    def __init__(self, n_in, n_cls, width=64, rank=6, p_drop=0.3):
        super().__init__()
        self.f1 = Factorized(n_in, width, rank)
        self.f2 = Factorized(width, width, rank)
        self.out = nn.Linear(width, n_cls)
        self.drop = nn.Dropout(p_drop)

    def forward(self, x):
        x = self.drop(F.gelu(self.f1(x)))
        x = self.drop(F.gelu(self.f2(x)))
        return self.out(x)


X, y = load_wine(return_X_y=True)
X_tmp, X_test, y_tmp, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=SEED)
X_train, X_val, y_train, y_val = train_test_split(X_tmp, y_tmp, test_size=0.2, stratify=y_tmp, random_state=SEED)

mu, sigma = X_train.mean(0), X_train.std(0)
to_t = lambda a: torch.tensor((a - mu) / sigma, dtype=torch.float32)
X_train, X_val, X_test = to_t(X_train), to_t(X_val), to_t(X_test)
y_train, y_val, y_test = (torch.tensor(a) for a in (y_train, y_val, y_test))

counts = torch.bincount(y_train, minlength=3).float()
class_w = counts.sum() / (len(counts) * counts)
print("class counts", counts.tolist(), "-> weights", [round(w, 3) for w in class_w.tolist()])

model = WineNet(X_train.shape[1], 3)
EPOCHS, BS = 80, 16
steps_per_epoch = (len(X_train) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=EPOCHS, steps_per_epoch=steps_per_epoch)

best_val, best_state, patience, bad = float("inf"), None, 15, 0
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_train))
    tl = 0.0
    for i in range(0, len(X_train), BS):
        idx = perm[i:i + BS]
        opt.zero_grad()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx], weight=class_w)
        loss.backward()
        opt.step()
        sched.step()
        tl += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        v_logits = model(X_val)
        v_loss = F.cross_entropy(v_logits, y_val, weight=class_w).item()
        v_acc = (v_logits.argmax(1) == y_val).float().mean().item()
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} lr={sched.get_last_lr()[0]:.5f} train={tl / len(X_train):.4f} "
              f"val={v_loss:.4f} val_acc={v_acc:.3f}")
    if v_loss < best_val - 1e-4:
        best_val, best_state, bad = v_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch} (best val loss {best_val:.4f})")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
    pred = model(X_test).argmax(1)
test_acc = (pred == y_test).float().mean().item()
bal = balanced_accuracy_score(y_test.numpy(), pred.numpy())
print(f"train acc {train_acc:.3f} | test acc {test_acc:.3f} | test balanced acc {bal:.3f}")
