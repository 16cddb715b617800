import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 21
torch.manual_seed(SEED)
np.random.seed(SEED)

X, y = load_wine(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=SEED)
ss = StandardScaler().fit(X_tr)
X_tr, X_te = ss.transform(X_tr).astype(np.float32), ss.transform(X_te).astype(np.float32)
X_tr, X_te = torch.from_numpy(X_tr), torch.from_numpy(X_te)
y_tr, y_te = torch.from_numpy(y_tr).long(), torch.from_numpy(y_te).long()


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(13, 128), nn.ReLU(), nn.Dropout(0.3),
                               nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 3))

    def forward(self, x):
        return self.f(x)


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(13, 16), nn.Tanh(), nn.Linear(16, 3))

    def forward(self, x):
        return self.f(x)


def iterate(n, bs=16):
    p = torch.randperm(n)
    for i in range(0, n, bs):
        yield p[i:i + bs]


def accuracy(m, X, y):
    m.eval()
    with torch.no_grad():
        return (m(X).argmax(1) == y).float().mean().item()


EPOCHS = 40
steps_per_epoch = math.ceil(len(X_tr) / 16)

teacher = Teacher()
opt_t = torch.optim.AdamW(teacher.parameters(), lr=1e-3, weight_decay=5e-2)
sch_t = torch.optim.lr_scheduler.CosineAnnealingLR(opt_t, T_max=EPOCHS)
for epoch in range(EPOCHS):
    teacher.train()
    ep_loss = 0.0
    for idx in iterate(len(X_tr)):
        opt_t.zero_grad()
        l = F.cross_entropy(teacher(X_tr[idx]), y_tr[idx])
        l.backward()
        opt_t.step()
        ep_loss += l.item() * len(idx)
    sch_t.step()
    if (epoch + 1) % 10 == 0:
        print(f"teacher {epoch + 1:3d}/{EPOCHS} loss={ep_loss / len(X_tr):.4f} "
              f"lr={sch_t.get_last_lr()[0]:.2e} test_acc={accuracy(teacher, X_te, y_te):.3f}")
teacher.eval()

TEMP, ALPHA = 3.0, 0.5
student = Student()
opt_s = torch.optim.AdamW(student.parameters(), lr=1e-2, weight_decay=1e-2)
sch_s = torch.optim.lr_scheduler.CosineAnnealingLR(opt_s, T_max=EPOCHS * steps_per_epoch)
for epoch in range(EPOCHS):
    student.train()
    ep_loss = 0.0
    for idx in iterate(len(X_tr)):
        xb, yb = X_tr[idx], y_tr[idx]
        with torch.no_grad():
            soft = F.softmax(teacher(xb) / TEMP, dim=-1)
        logits = student(xb)
        distill = F.kl_div(F.log_softmax(logits / TEMP, dim=-1), soft, reduction="batchmean") * TEMP ** 2
        loss = ALPHA * distill + (1 - ALPHA) * F.cross_entropy(logits, yb)
        opt_s.zero_grad()
        loss.backward()
        opt_s.step()
        sch_s.step()
        ep_loss += loss.item() * len(idx)
    if (epoch + 1) % 5 == 0:
        print(f"student {epoch + 1:3d}/{EPOCHS} loss={ep_loss / len(X_tr):.4f} "
              f"lr={sch_s.get_last_lr()[0]:.2e} test_acc={accuracy(student, X_te, y_te):.3f}")

print(f"teacher test acc {accuracy(teacher, X_te, y_te):.4f}")
print(f"student test acc {accuracy(student, X_te, y_te):.4f}")
