"""Small CNN on generated 16x16 stroke images (4 orientations), trained with
8-bit fake-quantised conv/linear weights (STE) and OneCycle. Reports val
accuracy and model size at int8."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(0)
torch.manual_seed(0)
torch.set_num_threads(1)
SIZE, N_CLASSES = 16, 4


def make_images(n):
    imgs = rng.normal(0.0, 0.5, size=(n, SIZE, SIZE)).astype(np.float32)
    labels = rng.integers(0, N_CLASSES, size=n)
    for k in range(n):
        L = rng.integers(5, 10)
        r, c = rng.integers(2, SIZE - 2, size=2)
        for t in range(-L // 2, L // 2):
            dr, dc = [(0, 1), (1, 0), (1, 1), (1, -1)][labels[k]]
            rr, cc = r + dr * t, c + dc * t
            if 0 <= rr < SIZE and 0 <= cc < SIZE:
                imgs[k, rr, cc] += 1.2
    return imgs[:, None], labels


x_train, y_train = make_images(2400)
x_val, y_val = make_images(400)
pix_mean, pix_std = x_train.mean(), x_train.std()
x_train = torch.from_numpy((x_train - pix_mean) / pix_std)
x_val = torch.from_numpy((x_val - pix_mean) / pix_std)
y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)


def fq8(w):
    scale = w.detach().abs().max().clamp(min=1e-8) / 127.0
    q = torch.clamp(torch.round(w / scale), -127, 127) * scale
    return w + (q - w).detach()


class QConv2d(nn.Conv2d):
    def forward(self, x):
        return F.conv2d(x, fq8(self.weight), self.bias, self.stride, self.padding)


class QLinear(nn.Linear):
    def forward(self, x):
        return F.linear(x, fq8(self.weight), self.bias)


class StrokeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = QConv2d(1, 16, 3, padding=1)
        self.c2 = QConv2d(16, 32, 3, padding=1)
        self.fc = QLinear(32 * 4 * 4, N_CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(x.flatten(1))


model = StrokeNet()
EPOCHS, BS = 10, 32
steps = (len(x_train) + BS - 1) // BS
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=EPOCHS, steps_per_epoch=steps)

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(x_train))
    tl, tc = 0.0, 0
    for s in range(steps):
        idx = perm[s * BS:(s + 1) * BS]
        opt.zero_grad()
        out = model(x_train[idx])
        loss = F.cross_entropy(out, y_train[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        opt.step()
        sched.step()
        tl += loss.item() * len(idx)
        tc += (out.argmax(1) == y_train[idx]).sum().item()
    model.eval()
    with torch.no_grad():
        vout = model(x_val)
        vl = F.cross_entropy(vout, y_val).item()
        va = (vout.argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1:2d} lr {sched.get_last_lr()[0]:.4f} train loss {tl / len(x_train):.4f} "
          f"acc {tc / len(x_train):.3f} | val loss {vl:.4f} acc {va:.3f}")

n = sum(p.numel() for p in model.parameters())
print(f"params {n}  int8 size {n / 1024:.1f} KiB  val acc {va:.3f}")
