# Learning-without-forgetting on digits: task A = digits 0-4, task B = digits 5-9.
# Shared encoder, one head per task. While learning B, a frozen copy of the
# model after A provides soft targets for head A on the B inputs.
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

d = load_digits()
Xtr, Xte, ytr, yte = train_test_split(d.data, d.target, test_size=0.3, random_state=8, stratify=d.target)
m_, s_ = Xtr.mean(0), Xtr.std(0) + 1e-2
Xtr, Xte = (Xtr - m_) / s_, (Xte - m_) / s_

TASKS = {"A": list(range(5)), "B": list(range(5, 10))}


def subset(X, y, classes):
    keep = np.isin(y, classes)
    return (torch.tensor(X[keep], dtype=torch.float32),
            torch.tensor(y[keep] - classes[0], dtype=torch.long))


def batch_gen(X, y, bs, rng):
    idx = rng.permutation(len(X))
    for i in range(0, len(idx), bs):
        sel = idx[i:i + bs]
        yield X[sel], y[sel]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 64), nn.ReLU())
        self.head = nn.ModuleDict({"A": nn.Linear(64, 5), "B": nn.Linear(64, 5)})

    def forward(self, x, task):
        return self.head[task](self.enc(x))


def test_acc(model, task):
    X, y = subset(Xte, yte, TASKS[task])
    model.eval()
    with torch.no_grad():
        return (model(X, task).argmax(1) == y).float().mean().item()


def train_acc(model, task):
    X, y = subset(Xtr, ytr, TASKS[task])
    model.eval()
    with torch.no_grad():
        return (model(X, task).argmax(1) == y).float().mean().item()


model = Net()
rng = np.random.default_rng(8)
results = {}
old = None
for task in ["A", "B"]:
    X, y = subset(Xtr, ytr, TASKS[task])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=8, gamma=0.3)
    for epoch in range(20):
        model.train()
        tot, cnt = 0.0, 0
        for xb, yb in batch_gen(X, y, 32, rng):
            opt.zero_grad()
            loss = F.cross_entropy(model(xb, task), yb)
            if old is not None:
                with torch.no_grad():
                    target = F.softmax(old(xb, "A") / 2.0, dim=1)
                distill = F.kl_div(F.log_softmax(model(xb, "A") / 2.0, dim=1), target, reduction="batchmean") * 4.0
                loss = loss + distill
            loss.backward()
            opt.step()
            tot += loss.item() * len(xb)
            cnt += len(xb)
        sched.step()
        if epoch % 5 == 4:
            msg = f"[{task}] epoch {epoch + 1:2d} loss {tot / cnt:.4f} lr {sched.get_last_lr()[0]:.1e} val {task} {test_acc(model, task):.3f}"
            if old is not None:
                msg += f"  val A {test_acc(model, 'A'):.3f}"
            print(msg)
    results[task] = {t: test_acc(model, t) for t in TASKS if t <= task}
    old = copy.deepcopy(model).eval()
    for p in old.parameters():
        p.requires_grad_(False)

print("\ntest accuracy table")
print("after   A      B")
for task, row in results.items():
    print(f"  {task}   " + "  ".join(f"{row.get(t, float('nan')):.3f}" for t in TASKS))
print(f"train acc: A {train_acc(model, 'A'):.3f}  B {train_acc(model, 'B'):.3f}")
print(f"final mean test accuracy {np.mean(list(results['B'].values())):.3f}")
