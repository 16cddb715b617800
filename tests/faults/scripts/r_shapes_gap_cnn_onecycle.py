import time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.backends.mkldnn.enabled = True
torch.manual_seed(11)
rng = np.random.default_rng(11)

H = W = 16
N_CLASSES = 5


def draw(kind, rng):
    img = np.zeros((H, W), dtype=np.float32)
    cy, cx = rng.integers(4, 12, size=2)
    r = int(rng.integers(2, 4))
    if kind == 0:      # horizontal bar
        img[cy, max(0, cx - r - 1):cx + r + 2] = 1
    elif kind == 1:    # vertical bar
        img[max(0, cy - r - 1):cy + r + 2, cx] = 1
    elif kind == 2:    # filled square
        img[cy - r:cy + r, cx - r:cx + r] = 1
    elif kind == 3:    # plus sign
        img[cy, cx - r:cx + r + 1] = 1
        img[cy - r:cy + r + 1, cx] = 1
    else:              # hollow ring
        yy, xx = np.mgrid[:H, :W]
        d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
        img[(d > r - 0.7) & (d < r + 0.7)] = 1
    img *= rng.uniform(0.6, 1.0)
    img += rng.normal(0, 0.15, size=img.shape).astype(np.float32)
    return img


def make_split(n, rng):
    ys = rng.integers(0, N_CLASSES, size=n)
    xs = np.stack([draw(k, rng) for k in ys])[:, None]
    return xs, ys


xtr, ytr = make_split(2000, rng)
xva, yva = make_split(800, rng)
pix_mean, pix_std = xtr.mean(), xtr.std()
xtr = torch.from_numpy((xtr - pix_mean) / pix_std).contiguous(memory_format=torch.channels_last)
xva = torch.from_numpy((xva - pix_mean) / pix_std).contiguous(memory_format=torch.channels_last)
ytr = torch.from_numpy(ytr).long()
yva = torch.from_numpy(yva).long()


class ShapeNet(nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.conv = nn.Conv2d(1, width, 3, padding=1)
        self.fc = nn.Linear(width, N_CLASSES)

    def forward(self, x):
        x = F.gelu(self.conv(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


model = ShapeNet().to(memory_format=torch.channels_last)
EPOCHS, BS = 25, 128
opt = torch.optim.Adam(model.parameters(), lr=1e-2, foreach=True)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, epochs=EPOCHS,
                                            steps_per_epoch=(len(xtr) + BS - 1) // BS)


@torch.no_grad()
def accuracy(x, y):
    model.eval()
    correct = 0
    for i in range(0, len(x), 512):
        correct += (model(x[i:i + 512]).argmax(1) == y[i:i + 512]).sum().item()
    return correct / len(x)


start = time.perf_counter()
for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(xtr))
    epoch_loss = torch.zeros(())
    for i in range(0, len(xtr), BS):
        idx = perm[i:i + BS]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        sched.step()
        epoch_loss.add_(loss.detach() * len(idx))
    if epoch % 5 == 0 or epoch == 1:
        print(f"[{epoch:02d}/{EPOCHS}] loss={epoch_loss.item() / len(xtr):.4f} "
              f"train_acc={accuracy(xtr, ytr):.3f} val_acc={accuracy(xva, yva):.3f}")

print(f"val accuracy: {accuracy(xva, yva):.4f}   elapsed {time.perf_counter() - start:.1f}s")
