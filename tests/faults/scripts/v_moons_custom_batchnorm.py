"""Two-moons classifier with a batch-norm layer written by hand (running
statistics kept in buffers), AMSGrad from scratch and a step-decay schedule."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)


class MyBatchNorm(nn.Module):
    def __init__(self, num_features, momentum=0.1, eps=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(num_features))
        self.beta = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        if self.training:
            mean = x.mean(0)
            var = x.var(0, unbiased=False)
            with torch.no_grad():
                n = x.shape[0]
                self.running_mean.mul_(1 - self.momentum).add_(mean, alpha=self.momentum)
                self.running_var.mul_(1 - self.momentum).add_(var * n / max(n - 1, 1), alpha=self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return self.gamma * (x - mean) / torch.sqrt(var + self.eps) + self.beta


class MoonNet(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.fc1 = nn.Linear(2, width)
        self.bn1 = MyBatchNorm(width)
        self.fc2 = nn.Linear(width, width)
        self.bn2 = MyBatchNorm(width)
        self.out = nn.Linear(width, 2)

    def forward(self, x):
        x = F.relu(self.bn1(self.fc1(x)))
        x = F.relu(self.bn2(self.fc2(x)))
        return self.out(x)


class AMSGrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["t"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                    st["vmax"] = torch.zeros_like(p)
                st["t"] += 1
                st["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                torch.maximum(st["vmax"], st["v"], out=st["vmax"])
                step_size = group["lr"] * (1 - b2 ** st["t"]) ** 0.5 / (1 - b1 ** st["t"])
                p.addcdiv_(st["m"], st["vmax"].sqrt().add_(group["eps"]), value=-step_size)


class StepDecay:
    def __init__(self, optimizer, milestones, factor=0.3):
        self.optimizer, self.milestones, self.factor = optimizer, set(milestones), factor
        self.epoch = 0

    def step(self):
        self.epoch += 1
        if self.epoch in self.milestones:
            for g in self.optimizer.param_groups:
                g["lr"] *= self.factor

    @property
    def lr(self):
        return self.optimizer.param_groups[0]["lr"]


X, y = make_moons(n_samples=2000, noise=0.2, random_state=8)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=8, stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

model = MoonNet()
opt = AMSGrad(model.parameters(), lr=3e-3)
sched = StepDecay(opt, milestones=[15, 25], factor=0.3)
EPOCHS, BS = 30, 50

for ep in range(1, EPOCHS + 1):
    model.train()
    order = torch.randperm(len(X_tr))
    losses, hits = [], 0
    for j in range(0, len(order), BS):
        b = order[j:j + BS]
        opt.zero_grad()
        out = model(X_tr[b])
        loss = F.cross_entropy(out, y_tr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
        hits += (out.argmax(1) == y_tr[b]).sum().item()
    sched.step()
    model.eval()
    with torch.no_grad():
        vo = model(X_va)
        vloss = F.cross_entropy(vo, y_va).item()
        vacc = (vo.argmax(1) == y_va).float().mean().item()
    if ep % 3 == 0 or ep == 1:
        print(f"ep {ep:2d} lr {sched.lr:.5f} loss {np.mean(losses):.4f} "
              f"train_acc {hits / len(X_tr):.3f} val_loss {vloss:.4f} val_acc {vacc:.3f}")

print(f"validation accuracy: {vacc:.3f}")
