"""Per-pixel 3-class segmentation (background / disc / square) on 24x24 noisy images."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

S = 24
N_TRAIN, N_VAL = 512, 128
BATCH = 32
EPOCHS = 12


def synth(n):
    yy, xx = np.mgrid[:S, :S]
    x = np.random.normal(0, 0.3, (n, 1, S, S)).astype(np.float32)
    y = np.zeros((n, S, S), np.int64)
    for i in range(n):
        cy, cx = np.random.uniform(5, S - 5, 2)
        r = np.random.uniform(3, 5)
        disc = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        y[i][disc] = 1
        side = np.random.randint(4, 8)
        r0, c0 = np.random.randint(0, S - side, 2)
        y[i, r0:r0 + side, c0:c0 + side] = 2
        x[i, 0] += 1.0 * (y[i] > 0)
    return x, y


images, masks = synth(N_TRAIN + N_VAL)
order = np.random.permutation(len(images))
images = images[order]
masks = masks[np.random.permutation(len(masks))]
x_tr, x_va = images[:N_TRAIN], images[N_TRAIN:]
y_tr, y_va = masks[:N_TRAIN], masks[N_TRAIN:]

m, s = x_tr.mean(), x_tr.std()
x_tr = torch.from_numpy((x_tr - m) / s)
x_va = torch.from_numpy((x_va - m) / s)
y_tr, y_va = torch.from_numpy(y_tr), torch.from_numpy(y_va)


def block(ci, co):
    return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1), nn.BatchNorm2d(co), nn.ReLU(),
                         nn.Conv2d(co, co, 3, padding=1), nn.BatchNorm2d(co), nn.ReLU())


class UNetLite(nn.Module):
    def __init__(self, n_classes=3, w=16):
        super().__init__()
        self.e1, self.e2, self.e3 = block(1, w), block(w, 2 * w), block(2 * w, 2 * w)
        self.d2, self.d1 = block(4 * w, w), block(2 * w, w)
        self.cls = nn.Conv2d(w, n_classes, 1)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(F.max_pool2d(a, 2))
        c = self.e3(F.max_pool2d(b, 2))
        c = F.interpolate(c, scale_factor=2, mode="bilinear", align_corners=False)
        b = self.d2(torch.cat([c, b], 1))
        b = F.interpolate(b, scale_factor=2, mode="bilinear", align_corners=False)
        return self.cls(self.d1(torch.cat([b, a], 1)))


def mean_iou(pred, target, n_classes=3):
    ious = []
    for k in range(n_classes):
        p, t = pred == k, target == k
        union = (p | t).sum().item()
        if union:
            ious.append((p & t).sum().item() / union)
    return float(np.mean(ious))


net = UNetLite()
opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)

for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(N_TRAIN)
    ep_loss, ep_correct = 0.0, 0
    for k in range(0, N_TRAIN, BATCH):
        idx = perm[k:k + BATCH]
        logits = net(x_tr[idx])
        loss = F.cross_entropy(logits, y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(idx)
        ep_correct += (logits.argmax(1) == y_tr[idx]).sum().item()
    sched.step()
    net.eval()
    with torch.no_grad():
        vlog = net(x_va)
        vloss = F.cross_entropy(vlog, y_va).item()
        vpred = vlog.argmax(1)
    print(f"ep {ep + 1:2d} lr {sched.get_last_lr()[0]:.5f} loss {ep_loss / N_TRAIN:.4f} "
          f"pix_acc {ep_correct / (N_TRAIN * S * S):.3f} | val_loss {vloss:.4f} "
          f"val_pix_acc {(vpred == y_va).float().mean().item():.3f} val_mIoU {mean_iou(vpred, y_va):.3f}")

bg_only = (y_va == 0).float().mean().item()
print(f"final val mIoU {mean_iou(vpred, y_va):.3f}  (all-background pixel acc would be {bg_only:.3f})")
