import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score, confusion_matrix, f1_score

rng = np.random.default_rng(17)
torch.manual_seed(17)

wine = load_wine()
X_all, y_all = wine.data, wine.target
# make cultivar 2 rare: keep only 12 of its 48 rows
rare = np.where(y_all == 2)[0]
drop = rng.choice(rare, size=len(rare) - 12, replace=False)
mask = np.ones(len(y_all), dtype=bool)
mask[drop] = False
X_all, y_all = X_all[mask], y_all[mask]
print("class counts:", np.bincount(y_all))

X_train, X_test, y_train, y_test = train_test_split(X_all, y_all, test_size=0.3, stratify=y_all, random_state=17)

center = X_train.mean(axis=0)
scale = X_train.std(axis=0)
X_train = (X_train - center) / scale
X_test = (X_test - center) / scale

# random oversampling of the training rows only, up to the majority count
counts = np.bincount(y_train)
rows = []
for c in range(3):
    idx = np.where(y_train == c)[0]
    rows.append(idx)
    if counts[c] < counts.max():
        rows.append(rng.choice(idx, size=counts.max() - counts[c], replace=True))
rows = np.concatenate(rows)
X_os, y_os = X_train[rows], y_train[rows]
print("oversampled training counts:", np.bincount(y_os))

Xtr = torch.tensor(X_os, dtype=torch.float32)
ytr = torch.tensor(y_os, dtype=torch.long)
Xte = torch.tensor(X_test, dtype=torch.float32)

model = nn.Sequential(nn.Linear(13, 32), nn.Tanh(), nn.Linear(32, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.3)
ce = nn.CrossEntropyLoss()

MICRO = 8
ACCUM = 4  # effective batch of 32
for epoch in range(45):
    model.train()
    perm = torch.randperm(len(Xtr))
    opt.zero_grad()
    seen, loss_acc = 0, 0.0
    n_micro = (len(perm) + MICRO - 1) // MICRO
    for j in range(n_micro):
        idx = perm[j * MICRO:(j + 1) * MICRO]
        loss = ce(model(Xtr[idx]), ytr[idx])
        (loss / ACCUM).backward()
        loss_acc += loss.item() * len(idx)
        seen += len(idx)
        if (j + 1) % ACCUM == 0 or j == n_micro - 1:
            opt.step()
            opt.zero_grad()
    sched.step()
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            pred = model(Xte).argmax(1).numpy()
        print(f"epoch {epoch + 1:2d} lr {sched.get_last_lr()[0]:.4f} loss {loss_acc / seen:.4f} "
              f"test macro-F1 {f1_score(y_test, pred, average='macro'):.3f}")

model.eval()
with torch.no_grad():
    pred = model(Xte).argmax(1).numpy()
print("balanced accuracy %.3f | macro F1 %.3f" % (balanced_accuracy_score(y_test, pred), f1_score(y_test, pred, average="macro")))
print(confusion_matrix(y_test, pred))
