"""Synthetic shape recognition (5 classes, 16x16) -- small CNN, channels_last,
SGD+Nesterov with gradient accumulation (micro-batch 32 x 4 = effective 128)."""
import time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.backends.mkldnn.enabled = True
torch.manual_seed(8)
gen = np.random.default_rng(8)
SIZE, CLASSES = 16, 5
yy, xx = np.mgrid[:SIZE, :SIZE]


def render(label):
    canvas = np.zeros((SIZE, SIZE), np.float32)
    cy, cx = gen.integers(4, 12, size=2)
    r = int(gen.integers(2, 4))
    if label == 0:
        canvas[cy, max(cx - r - 1, 0):cx + r + 2] = 1.0
    elif label == 1:
        canvas[max(cy - r - 1, 0):cy + r + 2, cx] = 1.0
    elif label == 2:
        canvas[cy - r:cy + r, cx - r:cx + r] = 1.0
    elif label == 3:
        canvas[cy, cx - r:cx + r + 1] = 1.0
        canvas[cy - r:cy + r + 1, cx] = 1.0
    else:
        dist = np.hypot(yy - cy, xx - cx)
        canvas[np.abs(dist - r) < 0.7] = 1.0
    canvas *= gen.uniform(0.6, 1.0)
    return canvas + gen.normal(0.0, 0.15, canvas.shape).astype(np.float32)


def dataset(n):
    labels = gen.integers(0, CLASSES, n)
    return np.stack([render(l) for l in labels])[:, None], labels


x_train, y_train = dataset(1600)
x_val, y_val = dataset(600)
mu, sd = x_train.mean(), x_train.std()
x_train = torch.from_numpy((x_train - mu) / sd).to(memory_format=torch.channels_last)
x_val = torch.from_numpy((x_val - mu) / sd).to(memory_format=torch.channels_last)
y_train = torch.from_numpy(y_train).long()
y_val = torch.from_numpy(y_val).long()

net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 4 * 4, CLASSES),
).to(memory_format=torch.channels_last)

MICRO, ACCUM, EPOCHS = 32, 4, 14
micro_per_epoch = len(x_train) // MICRO
opt_steps = EPOCHS * (micro_per_epoch // ACCUM)
opt = torch.optim.SGD(net.parameters(), lr=0.03, momentum=0.9, nesterov=True,
                      weight_decay=5e-4, foreach=True)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.03, total_steps=opt_steps, pct_start=0.3)

t0 = time.time()
for ep in range(EPOCHS):
    net.train()
    order = torch.randperm(len(x_train))
    opt.zero_grad(set_to_none=True)
    seen_loss = 0.0
    for m in range(micro_per_epoch):
        idx = order[m * MICRO:(m + 1) * MICRO]
        loss = F.cross_entropy(net(x_train[idx]), y_train[idx])
        (loss / ACCUM).backward()
        seen_loss += loss.item()
        if (m + 1) % ACCUM == 0:
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
    net.eval()
    with torch.no_grad():
        logits = net(x_val)
        v_loss = F.cross_entropy(logits, y_val).item()
        v_acc = (logits.argmax(1) == y_val).float().mean().item()
    print(f"epoch {ep + 1:2d}  train_loss {seen_loss / micro_per_epoch:.4f}  val_loss {v_loss:.4f}  val_acc {v_acc:.4f}")

print(f"final val_acc {v_acc:.4f}  time {time.time() - t0:.1f}s")
