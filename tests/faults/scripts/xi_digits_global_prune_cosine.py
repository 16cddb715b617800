"""Digits MLP -> global magnitude pruning in three prune/fine-tune rounds.
Prints parameter count, sparsity and validation accuracy after each stage."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import prune
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)

digits = load_digits()
X_tr, X_va, y_tr, y_va = train_test_split(digits.data, digits.target, test_size=0.2,
                                          random_state=1, stratify=digits.target)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.fc3(x)


net = Net()
targets = [(net.fc1, "weight"), (net.fc2, "weight"), (net.fc3, "weight")]


def run_stage(epochs, lr, name):
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(len(X_tr))
        total = 0.0
        for i in range(0, len(perm), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = F.cross_entropy(net(X_tr[idx]), y_tr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        if ep == epochs - 1 or ep % 5 == 0:
            print(f"[{name}] epoch {ep + 1:2d}  loss {total / len(X_tr):.4f}  "
                  f"lr {sched.get_last_lr()[0]:.2e}")


def report(name):
    net.eval()
    with torch.no_grad():
        acc = (net(X_va).argmax(1) == y_va).float().mean().item()
        tr_acc = (net(X_tr).argmax(1) == y_tr).float().mean().item()
    zeros = sum(int((m.weight == 0).sum()) for m, _ in targets)
    total = sum(m.weight.numel() for m, _ in targets)
    nz = sum(p.numel() for p in net.parameters()) - zeros
    print(f"{name:>8}: nonzero params {nz:6d}  sparsity {zeros / total:6.1%}  "
          f"train acc {tr_acc:.3f}  val acc {acc:.3f}")


run_stage(20, 2e-3, "dense")
report("dense")
for rnd, amount in enumerate([0.4, 0.4, 0.4], start=1):
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=amount)
    run_stage(8, 1e-3, f"round{rnd}")
    report(f"round{rnd}")

for m, name in targets:
    prune.remove(m, name)
report("final")
