"""Self-paced learning with annealed per-sample weights on a 3-class synthetic task.

Hard rows (high current loss) get small weights early in training; the pace parameter
grows over the first two thirds of the run and then stays fixed. 15% of the training
labels are flipped; the validation split is clean.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

g = torch.Generator().manual_seed(99)
torch.manual_seed(99)
torch.set_num_threads(1)

X, y = make_classification(n_samples=2500, n_features=16, n_informative=8, n_redundant=2,
                           n_classes=3, class_sep=1.0, random_state=99)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=99, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr, X_va = sc.transform(X_tr), sc.transform(X_va)

rs = np.random.RandomState(99)
wrong = rs.rand(len(y_tr)) < 0.15
y_tr = y_tr.copy()
y_tr[wrong] = (y_tr[wrong] + rs.randint(1, 3, wrong.sum())) % 3

Xtr = torch.tensor(X_tr, dtype=torch.float32)
Ytr = torch.tensor(y_tr)
Xva = torch.tensor(X_va, dtype=torch.float32)
Yva = torch.tensor(y_va)

model = nn.Sequential(
    nn.Linear(16, 96), nn.BatchNorm1d(96), nn.ReLU(),
    nn.Linear(96, 96), nn.BatchNorm1d(96), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(96, 3),
)
EPOCHS, BS = 36, 50
opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[20, 30], gamma=0.2)


def pace(epoch):
    # pace temperature: small -> strongly favours easy rows, large -> flatter weights
    ramp = EPOCHS * 2 / 3
    return 1.0 + 3.0 * min(epoch, ramp) / ramp


def weighted_ce(logits, target, temp):
    per = F.cross_entropy(logits, target, reduction="none")
    w = torch.exp(-per.detach() / temp)
    return (w * per).sum() / w.sum(), w


def val_metrics():
    model.eval()
    with torch.no_grad():
        out = model(Xva)
    return F.cross_entropy(out, Yva).item(), (out.argmax(1) == Yva).float().mean().item()


best_acc, best_ep, stale = 0.0, 0, 0
for ep in range(EPOCHS):
    model.train()
    temp = pace(ep)
    perm = torch.randperm(len(Xtr), generator=g)
    tl, wsum_noisy, wsum = 0.0, 0.0, 0.0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        loss, w = weighted_ce(model(Xtr[b]), Ytr[b], temp)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tl += loss.item() * len(b)
        wsum_noisy += w[torch.from_numpy(wrong)[b]].sum().item()
        wsum += w.sum().item()
    sched.step()
    vl, va = val_metrics()
    print(f"ep {ep + 1:2d} temp {temp:5.2f} weight-on-noisy {wsum_noisy / wsum:.3f} "
          f"train {tl / len(Xtr):.4f} val_loss {vl:.4f} val_acc {va:.4f} lr {sched.get_last_lr()[0]:.4f}")
    if va > best_acc:
        best_acc, best_ep, stale = va, ep + 1, 0
    else:
        stale += 1
    if stale >= 8:
        print("no improvement for 8 epochs, stopping")
        break

print(f"best val_acc {best_acc:.4f} at epoch {best_ep}; last val_acc {va:.4f}")
