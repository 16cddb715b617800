# Assignment 3 -- Wine cultivar classification with a 2-layer MLP
# Part A: LR range test, Part B: full training with OneCycleLR
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
np.random.seed(1)

# ---- 1. data ----
X, y = load_wine(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, stratify=y, random_state=1)
scaler = StandardScaler().fit(Xtr)
Xtr = torch.tensor(scaler.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(Xva), dtype=torch.float32)
ytr = torch.tensor(ytr)
yva = torch.tensor(yva)
assert Xtr.shape[1] == 13 and Xva.shape[1] == 13
assert ytr.dtype == torch.int64

# ---- 2. model ----
def make_model():
    return nn.Sequential(
        nn.Linear(13, 32), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(32, 3),
    )

loss_fn = nn.CrossEntropyLoss()
BS = 16

def batches(n, bs):
    perm = torch.randperm(n)
    for i in range(0, n, bs):
        yield perm[i:i + bs]

# ---- 3. LR range test (exponential sweep, fresh copy of the model) ----
base = make_model()
probe = copy.deepcopy(base)
opt = torch.optim.Adam(probe.parameters(), lr=1e-5)
lrs = np.geomspace(1e-5, 1.0, 40)
print("lr range test")
print("    lr     | loss")
probe.train()
it = iter(())
for step, lr in enumerate(lrs):
    try:
        idx = next(it)
    except StopIteration:
        it = batches(len(Xtr), BS)
        idx = next(it)
    for g in opt.param_groups:
        g["lr"] = lr
    opt.zero_grad()
    l = loss_fn(probe(Xtr[idx]), ytr[idx])
    l.backward()
    opt.step()
    if step % 5 == 0:
        print(f" {lr:9.2e} | {l.item():.4f}")
max_lr = 1e-2  # picked from the table: loss falls fastest around 1e-2
print("chosen max_lr:", max_lr)

# ---- 4. training with OneCycle (stepped every batch) ----
model = base
EPOCHS = 40
steps_per_epoch = (len(Xtr) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=max_lr, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, epochs=EPOCHS,
                                            steps_per_epoch=steps_per_epoch)
print("\nepoch | train loss | val loss | val acc | lr")
for ep in range(EPOCHS):
    model.train()
    run = 0.0
    for idx in batches(len(Xtr), BS):
        xb, yb = Xtr[idx], ytr[idx]
        out = model(xb)
        assert out.shape == (len(idx), 3)
        loss = loss_fn(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        vo = model(Xva)
        vl = loss_fn(vo, yva).item()
        va = (vo.argmax(1) == yva).float().mean().item()
    if ep % 4 == 3:
        print(f"{ep+1:5d} | {run/len(Xtr):10.4f} | {vl:8.4f} | {va:7.3f} | {sched.get_last_lr()[0]:.2e}")

print(f"final val accuracy = {va:.3f}")
