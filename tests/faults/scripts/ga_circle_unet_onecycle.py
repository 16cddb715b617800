"""Binary segmentation of bright discs on noisy backgrounds with a tiny U-Net."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

H = W = 24


def make_discs(n, rng):
    yy, xx = np.mgrid[0:H, 0:W]
    imgs = np.zeros((n, 1, H, W), dtype=np.float32)
    masks = np.zeros((n, 1, H, W), dtype=np.float32)
    for i in range(n):
        m = np.zeros((H, W), dtype=bool)
        for _ in range(rng.integers(1, 4)):
            cy, cx = rng.uniform(3, H - 3, size=2)
            r = rng.uniform(2.0, 5.0)
            m |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r ** 2
        img = rng.normal(0.0, 0.35, size=(H, W)) + 0.8 * m
        imgs[i, 0] = img
        masks[i, 0] = m
    return imgs, masks


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        )


class TinyUNet(nn.Module):
    def __init__(self, c=12):
        super().__init__()
        self.enc1 = DoubleConv(1, c)
        self.enc2 = DoubleConv(c, 2 * c)
        self.up = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec1 = DoubleConv(2 * c, c)
        self.head = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        s1 = self.enc1(x)
        b = self.enc2(F.max_pool2d(s1, 2))
        u = self.up(b)
        return self.head(self.dec1(torch.cat([u, s1], dim=1)))


def dice_loss(logits, target, eps=1.0):
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    denom = p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    return (1 - (2 * inter + eps) / (denom + eps)).mean()


def iou(logits, target):
    pred = (logits > 0).float()
    inter = (pred * target).sum()
    union = ((pred + target) > 0).float().sum()
    return (inter / union.clamp(min=1)).item()


rng = np.random.default_rng(0)
x_tr, y_tr = make_discs(480, rng)
x_va, y_va = make_discs(120, rng)
mu, sd = x_tr.mean(), x_tr.std()
x_tr = torch.tensor((x_tr - mu) / sd)
x_va = torch.tensor((x_va - mu) / sd)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

model = TinyUNet()
epochs, bs = 12, 32
steps_per_epoch = (len(x_tr) + bs - 1) // bs
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, epochs=epochs, steps_per_epoch=steps_per_epoch)
bce = nn.BCEWithLogitsLoss()

for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(x_tr))
    total = 0.0
    for i in range(0, len(x_tr), bs):
        idx = perm[i:i + bs]
        xb, yb = x_tr[idx], y_tr[idx]
        opt.zero_grad()
        out = model(xb)
        loss = bce(out, yb) + dice_loss(out, yb)
        loss.backward()
        opt.step()
        sched.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        out = model(x_va)
        vloss = (bce(out, y_va) + dice_loss(out, y_va)).item()
        viou = iou(out, y_va)
    print(f"epoch {epoch + 1:2d}  train_loss {total / len(x_tr):.4f}  val_loss {vloss:.4f}  val_iou {viou:.3f}")

print(f"final val IoU: {viou:.3f}")
