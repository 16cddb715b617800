"""Wine cultivar classifier on a noisy cellar-lab export; small batches with accumulated updates."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine

g = np.random.default_rng(13)
torch.manual_seed(13)

wine = load_wine()
chem = wine.data.copy()
cultivar = wine.target.astype(np.int64)
rows = len(cultivar)
cask = g.integers(0, 60, rows)

# second export with a few extra noisy measurements
extra = np.column_stack([g.lognormal(2, 1, rows), g.normal(0, 5, rows)])
chem = np.hstack([chem + g.normal(0, 0.05, chem.shape) * chem.std(0), extra])
chem[g.random(chem.shape) < 0.08] = np.nan

casks = g.permutation(np.unique(cask))
val = np.isin(cask, casks[:18])
train = ~val

print(f"audit: {chem.shape[0]} rows x {chem.shape[1]} cols; train {train.sum()} val {val.sum()}")
print("audit: missing rate", np.round(np.isnan(chem).mean(0), 2))
print("audit: train cultivars", np.bincount(cultivar[train]), "val", np.bincount(cultivar[val]))

# heavy-tailed columns: magnesium, proline, extra lognormal
for j in (4, 12, 13):
    chem[:, j] = np.log1p(chem[:, j])
flags = np.isnan(chem).astype(np.float32)
fill = np.nanmedian(chem[train], axis=0)
chem = np.where(np.isnan(chem), fill, chem)
bounds = np.quantile(chem[train], [0.02, 0.98], axis=0)
chem = np.clip(chem, bounds[0], bounds[1])
chem = (chem - chem[train].mean(0)) / chem[train].std(0)
inputs = np.concatenate([chem, flags], 1).astype(np.float32)

X_tr, y_tr = torch.from_numpy(inputs[train]), torch.from_numpy(cultivar[train])
X_va, y_va = torch.from_numpy(inputs[val]), torch.from_numpy(cultivar[val])

net = nn.Sequential(
    nn.Linear(inputs.shape[1], 48), nn.ReLU(), nn.Dropout(0.25),
    nn.Linear(48, 24), nn.ReLU(), nn.Dropout(0.25),
    nn.Linear(24, 3),
)
optim = torch.optim.SGD(net.parameters(), lr=0.03, momentum=0.9, weight_decay=5e-4)
step_lr = torch.optim.lr_scheduler.StepLR(optim, step_size=10, gamma=0.5)
crit = nn.CrossEntropyLoss()

MICRO, ACCUM = 8, 4
for epoch in range(30):
    net.train()
    perm = torch.randperm(len(y_tr))
    chunks = list(torch.split(perm, MICRO))
    optim.zero_grad()
    ep_loss = 0.0
    for k, idx in enumerate(chunks):
        loss = crit(net(X_tr[idx]), y_tr[idx])
        (loss / ACCUM).backward()
        ep_loss += loss.item() * len(idx)
        if (k + 1) % ACCUM == 0 or k + 1 == len(chunks):
            optim.step()
            optim.zero_grad()
    step_lr.step()
    net.eval()
    with torch.no_grad():
        logits = net(X_va)
        v_loss = crit(logits, y_va).item()
        v_acc = (logits.argmax(1) == y_va).float().mean().item()
    if epoch % 5 == 0 or epoch == 29:
        print(f"epoch {epoch:2d} | lr {step_lr.get_last_lr()[0]:.4f} | loss {ep_loss / len(y_tr):.4f} | "
              f"val loss {v_loss:.4f} | val acc {v_acc:.3f}")

print(f"val accuracy: {v_acc:.3f}")
