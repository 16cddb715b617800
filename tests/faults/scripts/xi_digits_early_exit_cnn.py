import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

# Two-exit CNN on 8x8 digits: a cheap head after the first conv stage and a
# full head at the end. Loss = 0.4 * exit1 + 1.0 * exit2.

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

imgs, labels = load_digits(return_X_y=True)
imgs = imgs.reshape(-1, 1, 8, 8).astype(np.float32)
tr_x, va_x, tr_y, va_y = train_test_split(imgs, labels, test_size=0.2, random_state=8,
                                          stratify=labels)
mean, std = tr_x.mean(), tr_x.std()
tr_x, va_x = (tr_x - mean) / std, (va_x - mean) / std

train_dl = DataLoader(TensorDataset(torch.from_numpy(tr_x), torch.from_numpy(tr_y)),
                      batch_size=64, shuffle=True, drop_last=True)
va_x, va_y = torch.from_numpy(va_x), torch.from_numpy(va_y)


class TwoExitCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16),
                                    nn.ReLU(), nn.MaxPool2d(2))            # 16x4x4
        self.exit1 = nn.Linear(16 * 4 * 4, 10)
        self.stage2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32),
                                    nn.ReLU(), nn.MaxPool2d(2))            # 32x2x2
        self.exit2 = nn.Sequential(nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
                                   nn.Linear(64, 10))

    def forward(self, x):
        h = self.stage1(x)
        e1 = self.exit1(h.flatten(1))
        e2 = self.exit2(self.stage2(h))
        return e1, e2


net = TwoExitCNN()
EPOCHS = 25
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4, nesterov=True)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-4)

for ep in range(EPOCHS):
    net.train()
    l1s = l2s = 0.0
    for xb, yb in train_dl:
        e1, e2 = net(xb)
        l1, l2 = F.cross_entropy(e1, yb), F.cross_entropy(e2, yb)
        opt.zero_grad()
        (0.4 * l1 + 1.0 * l2).backward()
        opt.step()
        l1s += l1.item()
        l2s += l2.item()
    sched.step()
    net.eval()
    with torch.no_grad():
        v1, v2 = net(va_x)
    a1 = (v1.argmax(1) == va_y).float().mean().item()
    a2 = (v2.argmax(1) == va_y).float().mean().item()
    nb = len(train_dl)
    print(f"ep {ep + 1:2d} | loss exit1 {l1s / nb:.3f} exit2 {l2s / nb:.3f} | "
          f"val acc exit1 {a1:.3f} exit2 {a2:.3f} | lr {sched.get_last_lr()[0]:.4f}")

# cost/accuracy trade-off of exiting early when exit1 is confident
with torch.no_grad():
    v1, v2 = net(va_x)
    conf = v1.softmax(1).max(1).values
    early = conf > 0.95
    pred = torch.where(early, v1.argmax(1), v2.argmax(1))
stage1_p = sum(p.numel() for p in net.stage1.parameters()) + sum(p.numel() for p in net.exit1.parameters())
total_p = sum(p.numel() for p in net.parameters())
print(f"params: exit1 path {stage1_p}, full {total_p}")
print(f"early-exit rate {early.float().mean():.2f}, combined val acc "
      f"{(pred == va_y).float().mean():.3f}")
