# Breast-cancer MLP with stochastic weight averaging over the second half of training.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, SWALR
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, stratify=y,
                                                      random_state=3)
scaler = StandardScaler().fit(X_train)
X_train_s = scaler.transform(X_train)
X_valid_s = scaler.transform(X_valid)

xtr = torch.tensor(X_train_s, dtype=torch.float32)
ytr = torch.tensor(y_train, dtype=torch.long)
xva = torch.tensor(X_valid, dtype=torch.float32)
yva = torch.tensor(y_valid, dtype=torch.long)

model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
swa = AveragedModel(model)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
swa_start, n_epochs, bs = 15, 30, 32
swa_sched = SWALR(opt, swa_lr=0.02, anneal_epochs=5, anneal_strategy="cos")


def val_metrics(net):
    net.eval()
    with torch.no_grad():
        out = net(xva)
    return F.cross_entropy(out, yva).item(), (out.argmax(1) == yva).float().mean().item()


for epoch in range(n_epochs):
    model.train()
    perm = torch.randperm(xtr.size(0))
    losses = []
    for i in range(0, xtr.size(0), bs):
        b = perm[i:i + bs]
        opt.zero_grad()
        loss = F.cross_entropy(model(xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if epoch >= swa_start:
        swa.update_parameters(model)
        swa_sched.step()
    vl, va = val_metrics(model)
    print(f"[{epoch + 1:02d}/{n_epochs}] train loss {np.mean(losses):.4f} | val loss {vl:.4f} acc {va:.4f}")

vl, va = val_metrics(swa)
print(f"SWA weights: val loss {vl:.4f} val acc {va:.4f}")
