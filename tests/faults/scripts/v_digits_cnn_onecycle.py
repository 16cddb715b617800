"""Tiny convnet for 8x8 digits. Custom momentum optimizer driven by OneCycleLR,
gradient accumulation over two micro-batches, gradient-norm clipping."""
import math
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(99)
np.random.seed(99)
torch.set_num_threads(1)


class Momentum(torch.optim.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for grp in self.param_groups:
            for p in grp["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=grp["weight_decay"]) if grp["weight_decay"] else p.grad
                st = self.state[p]
                if "v" not in st:
                    st["v"] = torch.zeros_like(p)
                st["v"].mul_(grp["momentum"]).add_(g)
                p.sub_(grp["lr"] * st["v"])


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class TinyConvNet(nn.Module):
    def __init__(self, n_cls=10):
        super().__init__()
        self.b1 = ConvBlock(1, 16)
        self.b2 = ConvBlock(16, 32)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(32 * 4 * 4, n_cls)

    def forward(self, x):
        x = self.b1(x)
        x = F.max_pool2d(self.b2(x), 2)
        return self.fc(self.drop(x.flatten(1)))


imgs, target = load_digits(return_X_y=True)
imgs = imgs.reshape(-1, 1, 8, 8).astype(np.float32)
tr_x, va_x, tr_y, va_y = train_test_split(imgs, target, test_size=0.2, random_state=99, stratify=target)
m, s = tr_x.mean(), tr_x.std()
tr_x = torch.tensor((tr_x - m) / s)
va_x = torch.tensor((va_x - m) / s)
tr_y = torch.tensor(tr_y)
va_y = torch.tensor(va_y)

EPOCHS = 8
MICRO_BS = 16
ACCUM = 2
micro_per_epoch = math.ceil(len(tr_x) / MICRO_BS)
updates_per_epoch = math.ceil(micro_per_epoch / ACCUM)

net = TinyConvNet()
opt = Momentum(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, epochs=EPOCHS,
                                            steps_per_epoch=updates_per_epoch,
                                            base_momentum=0.85, max_momentum=0.95)

for epoch in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(tr_x))
    total, n_micro = 0.0, 0
    opt.zero_grad()
    for k in range(micro_per_epoch):
        idx = perm[k * MICRO_BS:(k + 1) * MICRO_BS]
        loss = F.cross_entropy(net(tr_x[idx]), tr_y[idx])
        (loss / ACCUM).backward()
        total += loss.item()
        n_micro += 1
        if (k + 1) % ACCUM == 0 or k + 1 == micro_per_epoch:
            nn.utils.clip_grad_norm_(net.parameters(), max_norm=2.0)
            opt.step()
            sched.step()
            opt.zero_grad()
    net.eval()
    with torch.no_grad():
        logits = net(va_x)
        vl = F.cross_entropy(logits, va_y).item()
        va = (logits.argmax(1) == va_y).float().mean().item()
    print(f"epoch {epoch + 1:2d}/{EPOCHS}  lr {sched.get_last_lr()[0]:.4f}  "
          f"train_loss {total / n_micro:.4f}  val_loss {vl:.4f}  val_acc {va:.3f}")

print(f"final val_acc={va:.4f}")
