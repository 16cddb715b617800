"""Distil a breast-cancer teacher MLP into a small student over a jittered stream."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def set_seed(s):
    np.random.seed(s)
    torch.manual_seed(s)


set_seed(42)
torch.set_num_threads(1)

Xall, yall = load_breast_cancer(return_X_y=True)
Xa, Xb, ya, yb = train_test_split(Xall, yall, test_size=0.3, random_state=42, stratify=yall)
sc = StandardScaler().fit(Xa)
Xa = torch.tensor(sc.transform(Xa), dtype=torch.float32)
Xb = torch.tensor(sc.transform(Xb), dtype=torch.float32)
ya, yb = torch.tensor(ya), torch.tensor(yb)

counts = torch.bincount(ya, minlength=2).float()
cls_w = counts.sum() / (2 * counts)
print("class weights", [round(v, 3) for v in cls_w.tolist()])


def mlp(width, drop):
    return nn.Sequential(nn.Linear(30, width), nn.ReLU(), nn.Dropout(drop),
                         nn.Linear(width, width), nn.ReLU(), nn.Dropout(drop),
                         nn.Linear(width, 2))


def evaluate(net):
    net.eval()
    with torch.no_grad():
        p = net(Xb).argmax(1)
        ptr = net(Xa).argmax(1)
    return ((ptr == ya).float().mean().item(), (p == yb).float().mean().item(),
            balanced_accuracy_score(yb.numpy(), p.numpy()))


# ---- teacher: ordinary shuffled mini-batch training
teacher = mlp(128, 0.3)
t_opt = torch.optim.Adam(teacher.parameters(), lr=1e-3, weight_decay=1e-4)
for ep in range(30):
    teacher.train()
    perm = torch.randperm(len(Xa))
    tot = 0.0
    for i in range(0, len(perm), 32):
        j = perm[i:i + 32]
        t_opt.zero_grad()
        l = F.cross_entropy(teacher(Xa[j]), ya[j], weight=cls_w)
        l.backward()
        t_opt.step()
        tot += l.item() * len(j)
    if ep % 10 == 9:
        tr, va, bal = evaluate(teacher)
        print(f"teacher epoch {ep + 1}: loss {tot / len(Xa):.4f} train acc {tr:.3f} val acc {va:.3f} bal {bal:.3f}")
teacher.eval()
for p in teacher.parameters():
    p.requires_grad_(False)


# ---- student: one pass over a stream of jittered rows, soft + hard targets
def jitter_stream(n_batches, bs, sigma=0.1, seed=0):
    g = torch.Generator().manual_seed(seed)
    for _ in range(n_batches):
        j = torch.randint(0, len(Xa), (bs,), generator=g)
        yield Xa[j] + sigma * torch.randn(bs, 30, generator=g), ya[j]


N_BATCHES, T, ALPHA = 500, 3.0, 0.7
student = mlp(24, 0.1)
s_opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(s_opt, max_lr=0.1, total_steps=N_BATCHES, pct_start=0.25)
hist = []
for k, (xb, yb_) in enumerate(jitter_stream(N_BATCHES, 32), start=1):
    student.train()
    with torch.no_grad():
        soft = F.softmax(teacher(xb) / T, dim=1)
    logits = student(xb)
    kd = F.kl_div(F.log_softmax(logits / T, dim=1), soft, reduction="batchmean") * T * T
    ce = F.cross_entropy(logits, yb_, weight=cls_w)
    loss = ALPHA * kd + (1 - ALPHA) * ce
    s_opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(student.parameters(), 2.0)
    s_opt.step()
    sched.step()
    hist.append(loss.item())
    if k % 100 == 0:
        tr, va, bal = evaluate(student)
        print(f"student batch {k}: loss {np.mean(hist[-100:]):.4f} lr {sched.get_last_lr()[0]:.4f} "
              f"train acc {tr:.3f} val acc {va:.3f} bal {bal:.3f}")

tr, va, bal = evaluate(student)
ttr, tva, tbal = evaluate(teacher)
print(f"teacher val acc {tva:.3f} (balanced {tbal:.3f})")
print(f"student val acc {va:.3f} (balanced {bal:.3f}), train acc {tr:.3f}")
