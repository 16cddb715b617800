"""Tiny CNN on generated 16x16 shape images (4 classes) with 20% wrong training labels.

Loss: hard bootstrapping, target mixes the given label with the model's own argmax.
Micro-batches of 16 with gradient accumulation over 4 steps (effective batch 64),
cosine learning-rate decay per optimizer step.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
torch.set_num_threads(1)
R = np.random.RandomState(1)
SIZE = 16
CLASSES = ("hbar", "vbar", "box", "cross")


def draw(kind, rng):
    img = np.zeros((SIZE, SIZE), np.float32)
    r, c = rng.randint(3, SIZE - 3, size=2)
    L = rng.randint(3, 6)
    if kind == 0:
        img[r, max(0, c - L):c + L] = 1.0
    elif kind == 1:
        img[max(0, r - L):r + L, c] = 1.0
    elif kind == 2:
        r0, c0, r1, c1 = max(0, r - L // 2 - 1), max(0, c - L // 2 - 1), min(SIZE - 1, r + L // 2 + 1), min(SIZE - 1, c + L // 2 + 1)
        img[r0, c0:c1 + 1] = img[r1, c0:c1 + 1] = 1.0
        img[r0:r1 + 1, c0] = img[r0:r1 + 1, c1] = 1.0
    else:
        img[r, max(0, c - L // 2):c + L // 2 + 1] = 1.0
        img[max(0, r - L // 2):r + L // 2 + 1, c] = 1.0
    img *= rng.uniform(0.6, 1.0)
    return img + rng.normal(0, 0.2, img.shape).astype(np.float32)


def make_set(n, rng):
    y = rng.randint(0, len(CLASSES), n)
    x = np.stack([draw(k, rng) for k in y])[:, None]
    return x, y


x_tr, y_tr = make_set(1600, R)
x_va, y_va = make_set(400, R)
m, s = x_tr.mean(), x_tr.std()
x_tr, x_va = (x_tr - m) / s, (x_va - m) / s

y_tr_noisy = y_tr.copy()
bad = R.rand(len(y_tr)) < 0.2
y_tr_noisy[bad] = R.randint(0, len(CLASSES), bad.sum())
print(f"generated {len(x_tr)} train / {len(x_va)} val images; "
      f"{(y_tr_noisy != y_tr).mean():.1%} of training labels wrong")

Xtr, Ytr = torch.from_numpy(x_tr), torch.from_numpy(y_tr_noisy).long()
Xva, Yva = torch.from_numpy(x_va), torch.from_numpy(y_va).long()


class Net(nn.Module):
    def __init__(self, k=len(CLASSES)):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.b1 = nn.BatchNorm2d(16)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.b2 = nn.BatchNorm2d(32)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(32 * 4 * 4, k)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
        x = F.max_pool2d(F.relu(self.b2(self.c2(x))), 2)
        return self.fc(self.drop(x.flatten(1)))


def hard_bootstrap(logits, y, beta=0.8):
    log_p = F.log_softmax(logits, 1)
    own = logits.detach().argmax(1)
    return -(beta * log_p.gather(1, y[:, None]) + (1 - beta) * log_p.gather(1, own[:, None])).mean()


net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)
MICRO, ACCUM, EPOCHS = 16, 4, 16
steps_per_epoch = math.ceil(len(Xtr) / (MICRO * ACCUM))
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)

for epoch in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(Xtr))
    micro_batches = [perm[i:i + MICRO] for i in range(0, len(perm), MICRO)]
    opt.zero_grad()
    tot = 0.0
    for j, idx in enumerate(micro_batches):
        loss = hard_bootstrap(net(Xtr[idx]), Ytr[idx])
        (loss / ACCUM).backward()
        tot += loss.item()
        if (j + 1) % ACCUM == 0 or j + 1 == len(micro_batches):
            opt.step()
            sched.step()
            opt.zero_grad()
    net.eval()
    with torch.no_grad():
        out = net(Xva)
        vloss = F.cross_entropy(out, Yva).item()
        vacc = (out.argmax(1) == Yva).float().mean().item()
    print(f"epoch {epoch + 1:2d} | loss {tot / len(micro_batches):.4f} | val_loss {vloss:.4f} "
          f"| val_acc {vacc:.4f} | lr {sched.get_last_lr()[0]:.4f}")

print(f"validation accuracy: {vacc:.4f}")
