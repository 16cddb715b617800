import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(2024)
np.random.seed(2024)
torch.set_num_threads(1)


class SwishFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, grad_out):
        x, s = ctx.saved_tensors
        return grad_out * (s + x * s * (1 - s))


class Swish(nn.Module):
    def forward(self, x):
        return SwishFn.apply(x)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 12, 3, padding=1), Swish(),
            nn.Conv2d(12, 24, 3, padding=1), Swish(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(24 * 16, 64), Swish(), nn.Linear(64, 1))

    def forward(self, x):
        return self.head(self.features(x))


class StepLR:
    def __init__(self, opt, every, factor):
        self.opt, self.every, self.factor, self.epoch = opt, every, factor, 0

    def step(self):
        self.epoch += 1
        if self.epoch % self.every == 0:
            for g in self.opt.param_groups:
                g["lr"] *= self.factor


class AdamLite(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        super().__init__(params, dict(lr=lr, b1=b1, b2=b2, eps=eps))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                s = self.state[p]
                if len(s) == 0:
                    s["k"], s["m"], s["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                s["k"] += 1
                s["m"].lerp_(p.grad, 1 - g["b1"])
                s["v"].mul_(g["b2"]).add_(p.grad.square(), alpha=1 - g["b2"])
                denom = (s["v"] / (1 - g["b2"] ** s["k"])).sqrt().add_(g["eps"])
                p.addcdiv_(s["m"], denom, value=-g["lr"] / (1 - g["b1"] ** s["k"]))


digits = load_digits()
images = digits.images.astype(np.float32)
labels = digits.target
x_train, x_val, y_train, y_val = train_test_split(images, labels, test_size=0.2,
                                                  random_state=2024, stratify=labels)
pix_mean, pix_std = x_train.mean(), x_train.std()
x_train = torch.from_numpy((x_train - pix_mean) / pix_std).unsqueeze(1)
x_val = torch.from_numpy((x_val - pix_mean) / pix_std).unsqueeze(1)
y_train = torch.from_numpy(y_train)
y_val = torch.from_numpy(y_val)

net = ConvNet()
opt = AdamLite(net.parameters(), lr=2e-3)
sched = StepLR(opt, every=6, factor=0.5)
criterion = nn.MSELoss()
batch_size = 48

for epoch in range(18):
    net.train()
    perm = torch.randperm(len(x_train))
    losses = []
    for k in range(0, len(perm), batch_size):
        idx = perm[k:k + batch_size]
        pred = net(x_train[idx]).squeeze(1)
        loss = criterion(pred, y_train[idx].float())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    sched.step()

    net.eval()
    with torch.no_grad():
        out = net(x_val).squeeze(1)
        val_loss = criterion(out, y_val.float()).item()
        guess = out.round().clamp(0, 9).long()
        acc = (guess == y_val).float().mean().item()
    print(f"[{epoch + 1:02d}] train {np.mean(losses):.4f} | val {val_loss:.4f} | acc {acc:.3f}")

print(f"validation accuracy: {acc:.3f}")
