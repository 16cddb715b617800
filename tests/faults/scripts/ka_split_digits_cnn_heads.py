# Task-incremental split-digits: five tasks of two digits each, shared CNN trunk,
# one binary head per task which is created the first time the task shows up in
# the stream. A small episodic memory of earlier tasks is replayed every step.
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

random.seed(1)
np.random.seed(1)
torch.manual_seed(1)
torch.set_num_threads(1)

digits = load_digits()
imgs = digits.images.astype(np.float32)
labels = digits.target
tr_x, te_x, tr_y, te_y = train_test_split(imgs, labels, test_size=0.3, random_state=1, stratify=labels)
pix_mean, pix_std = tr_x.mean(), tr_x.std()
tr_x = (tr_x - pix_mean) / pix_std
te_x = (te_x - pix_mean) / pix_std
TASKS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]


def task_split(x, y, pair):
    m = np.isin(y, pair)
    return torch.tensor(x[m]).unsqueeze(1), torch.tensor((y[m] == pair[1]).astype(np.int64))


class Trunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 4 * 4, 64)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return F.relu(self.fc(x.flatten(1)))


class TaskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = Trunk()
        self.heads = nn.ModuleDict()

    def add_task(self, tid):
        if str(tid) not in self.heads:
            head = nn.Linear(64, 2)
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)
            self.heads[str(tid)] = head

    def forward(self, x, tid):
        return self.heads[str(tid)](self.trunk(x))


net = TaskNet()
net.add_task(0)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
memory = defaultdict(list)


def evaluate(tid):
    xv, yv = task_split(te_x, te_y, TASKS[tid])
    net.eval()
    with torch.no_grad():
        a = (net(xv, tid).argmax(1) == yv).float().mean().item()
    net.train()
    return a


acc_table = np.full((len(TASKS), len(TASKS)), np.nan)
for tid, pair in enumerate(TASKS):
    net.add_task(tid)
    xt, yt = task_split(tr_x, tr_y, pair)
    losses = []
    net.train()
    for epoch in range(5):
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), 16):
            idx = order[i:i + 16]
            opt.zero_grad()
            loss = F.cross_entropy(net(xt[idx], tid), yt[idx])
            for old in range(tid):
                mx, my = zip(*random.sample(memory[old], 8))
                loss = loss + F.cross_entropy(net(torch.stack(mx), old), torch.stack(my)) / tid
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"task {tid} {pair} epoch {epoch}  loss {np.mean(losses[-16:]):.4f}")
    keep = torch.randperm(len(xt))[:40]
    memory[tid] = [(xt[k], yt[k]) for k in keep]
    for s in range(tid + 1):
        acc_table[tid, s] = evaluate(s)
    print(f"  after task {tid}: " + " ".join(f"T{s}={acc_table[tid, s]:.3f}" for s in range(tid + 1)))

print("\nfinal per-task accuracy:")
for s, pair in enumerate(TASKS):
    print(f"  task {s} digits {pair}: {acc_table[-1, s]:.3f}")
print(f"mean accuracy {np.nanmean(acc_table[-1]):.3f}")
