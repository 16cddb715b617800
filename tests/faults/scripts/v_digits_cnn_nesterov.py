"""Small CNN on the 8x8 sklearn digits, trained with a hand-rolled
Nesterov SGD and an exponential learning-rate decay."""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)


class NesterovSGD(torch.optim.Optimizer):
    def __init__(self, params, lr=0.05, momentum=0.9, weight_decay=0.0):
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, mom, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd:
                    g = g.add(p, alpha=wd)
                st = self.state[p]
                if "buf" not in st:
                    st["buf"] = torch.zeros_like(p)
                buf = st["buf"]
                buf.mul_(mom).add_(g)
                p.add_(g.add(buf, alpha=mom), alpha=-lr)


class ExpDecay:
    """lr = base_lr * gamma ** t"""

    def __init__(self, optimizer, gamma):
        self.opt = optimizer
        self.gamma = gamma
        self.t = 0
        self.base = [g["lr"] for g in optimizer.param_groups]

    def step(self):
        self.t += 1
        for g, b in zip(self.opt.param_groups, self.base):
            g["lr"] = b * self.gamma ** self.t

    def get_lr(self):
        return [g["lr"] for g in self.opt.param_groups]


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
mu, sd = Xtr.mean(), Xtr.std()
Xtr = torch.tensor((Xtr - mu) / sd).view(-1, 1, 8, 8)
Xva = torch.tensor((Xva - mu) / sd).view(-1, 1, 8, 8)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)

model = DigitNet()
opt = NesterovSGD(model.parameters(), lr=0.03, momentum=0.9, weight_decay=1e-4)
sched = ExpDecay(opt, gamma=0.95)

EPOCHS, BS = 12, 32
n = len(Xtr)
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(n)
    tot, seen = 0.0, 0
    for i in range(0, n, BS):
        idx = perm[i:i + BS]
        logits = model(Xtr[idx])
        loss = F.cross_entropy(logits, ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(idx)
        seen += len(idx)
    model.eval()
    with torch.no_grad():
        vl = model(Xva)
        vloss = F.cross_entropy(vl, yva).item()
        vacc = (vl.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:2d}  lr {sched.get_lr()[0]:.2e}  train_loss {tot / seen:.4f}  "
          f"val_loss {vloss:.4f}  val_acc {vacc:.3f}")

print(f"final val accuracy: {vacc:.3f}")
