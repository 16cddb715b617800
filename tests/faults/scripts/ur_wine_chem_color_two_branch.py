"""Wine cultivar classifier with two measurement panels as separate modalities.

Panel A (chemistry): alcohol, malic acid, ash, alcalinity, magnesium, phenols, flavanoids,
                     nonflavanoid phenols, proanthocyanins.
Panel B (colour/optics): colour intensity, hue, OD280/OD315, proline.
Each panel gets its own scaler (fit on train) and encoder. Micro-batches of 8 with
gradient accumulation to an effective batch of 32, SGD + momentum, StepLR per epoch.
"""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import f1_score

torch.manual_seed(2024)
np.random.seed(2024)
torch.set_num_threads(1)

wine = load_wine()
X, y = wine.data, wine.target
chem_cols, color_cols = list(range(0, 9)), list(range(9, 13))

sss = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=2024)
tr_idx, va_idx = next(sss.split(X, y))
chem_sc = StandardScaler().fit(X[tr_idx][:, chem_cols])
color_sc = StandardScaler().fit(X[tr_idx][:, color_cols])


def tensors(idx):
    a = torch.tensor(chem_sc.transform(X[idx][:, chem_cols]), dtype=torch.float32)
    b = torch.tensor(color_sc.transform(X[idx][:, color_cols]), dtype=torch.float32)
    return a, b, torch.tensor(y[idx])


A_tr, B_tr, y_tr = tensors(tr_idx)
A_va, B_va, y_va = tensors(va_idx)


class TwoBranchWine(nn.Module):
    def __init__(self):
        super().__init__()
        self.chem = nn.Sequential(nn.Linear(9, 24), nn.ReLU(), nn.Dropout(0.2))
        self.color = nn.Sequential(nn.Linear(4, 12), nn.ReLU(), nn.Dropout(0.2))
        self.fuse = nn.Sequential(nn.Linear(36, 24), nn.ReLU(), nn.Linear(24, 3))

    def forward(self, a, b):
        return self.fuse(torch.cat((self.chem(a), self.color(b)), 1))


model = TwoBranchWine()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.3)
criterion = nn.CrossEntropyLoss()
MICRO, ACCUM, EPOCHS = 8, 4, 40

for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(y_tr))
    n_micro = (len(perm) + MICRO - 1) // MICRO
    opt.zero_grad()
    epoch_loss = 0.0
    for m in range(n_micro):
        ix = perm[m * MICRO:(m + 1) * MICRO]
        loss = criterion(model(A_tr[ix], B_tr[ix]), y_tr[ix])
        (loss / ACCUM).backward()
        epoch_loss += loss.item()
        if (m + 1) % ACCUM == 0 or m + 1 == n_micro:
            opt.step()
            opt.zero_grad()
    sched.step()
    if epoch % 5 == 0 or epoch == 1:
        model.eval()
        with torch.no_grad():
            logits = model(A_va, B_va)
            vloss = criterion(logits, y_va).item()
            pred = logits.argmax(1)
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.4f}  train_loss {epoch_loss / n_micro:.4f}  "
              f"val_loss {vloss:.4f}  val_acc {(pred == y_va).float().mean():.3f}")

model.eval()
with torch.no_grad():
    tr_pred = model(A_tr, B_tr).argmax(1)
    va_pred = model(A_va, B_va).argmax(1)
print(f"train_acc {(tr_pred == y_tr).float().mean():.3f}  val_acc {(va_pred == y_va).float().mean():.3f}  "
      f"val_macro_f1 {f1_score(y_va.numpy(), va_pred.numpy(), average='macro'):.3f}")
