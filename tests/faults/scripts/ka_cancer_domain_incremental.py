# Domain-incremental learning on breast-cancer data.
# Domain A = smaller tumours (mean radius below median), domain B = larger ones.
# We stream domain A, then domain B, replaying a few stored A rows in each B batch.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

rng = np.random.RandomState(3)
torch.manual_seed(3)

CFG = dict(batch=24, replay=8, lr=0.3, passes=6, mem_per_domain=60)

data = load_breast_cancer()
X, y = data.data.astype(np.float32), data.target.astype(np.int64)
radius = X[:, 0]
domain = (radius > np.median(radius)).astype(int)

Xtr, Xte, ytr, yte, dtr, dte = train_test_split(X, y, domain, test_size=0.25, random_state=3, stratify=y)
m, s = Xtr.mean(axis=0), Xtr.std(axis=0)
Xtr = (Xtr - m) / s
Xte = (Xte - m) / s


def batches(Xd, yd, bs, passes):
    for _ in range(passes):
        p = rng.permutation(len(Xd))
        for k in range(0, len(p) - bs + 1, bs):
            j = p[k:k + bs]
            yield torch.tensor(Xd[j]), torch.tensor(yd[j])


model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
loss_fn = nn.CrossEntropyLoss()
memory_x, memory_y = [], []


def accuracy(Xd, yd):
    model.eval()
    with torch.no_grad():
        pred = model(torch.tensor(Xd)).argmax(1).numpy()
    model.train()
    return (pred == yd).mean()


table = {}
step = 0
for dom in (0, 1):
    Xd, yd = Xtr[dtr == dom], ytr[dtr == dom]
    print(f"--- domain {'AB'[dom]}: {len(Xd)} rows")
    losses = []
    for xb, yb in batches(Xd, yd, CFG["batch"], CFG["passes"]):
        if memory_x:
            pick = rng.choice(len(memory_x), CFG["replay"], replace=False)
            xb = torch.cat([xb, torch.stack([memory_x[i] for i in pick])])
            yb = torch.cat([yb, torch.stack([memory_y[i] for i in pick])])
        model.train()
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        step += 1
        if step % 10 == 0:
            print(f"step {step:3d}  loss(last10) {np.mean(losses[-10:]):.4f}  "
                  f"held-out acc A {accuracy(Xte[dte == 0], yte[dte == 0]):.3f}  B {accuracy(Xte[dte == 1], yte[dte == 1]):.3f}")
    keep = rng.choice(len(Xd), CFG["mem_per_domain"], replace=False)
    memory_x += [torch.tensor(Xd[i]) for i in keep]
    memory_y += [torch.tensor(yd[i]) for i in keep]
    table[dom] = [accuracy(Xte[dte == d], yte[dte == d]) for d in (0, 1)]

print("\naccuracy table (rows: after domain, cols: eval domain)")
print("        A      B")
for dom, row in table.items():
    print(f"  {'AB'[dom]}   " + "  ".join(f"{a:.3f}" for a in row))
print(f"overall held-out accuracy {accuracy(Xte, yte):.3f}")
