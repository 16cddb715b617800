"""Ring (annulus) segmentation with a dropout U-Net, soft-Dice loss, early stopping on val IoU."""
import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_num_threads(1)
torch.manual_seed(4)
rng = np.random.default_rng(4)
D = 24


def rings(n):
    yy, xx = np.mgrid[:D, :D]
    img = rng.normal(0, 0.3, (n, 1, D, D)).astype(np.float32)
    msk = np.zeros((n, 1, D, D), np.float32)
    for i in range(n):
        cy, cx = rng.uniform(7, D - 7, 2)
        r = rng.uniform(3.5, 6.5)
        dist = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
        ring = np.abs(dist - r) < 1.2
        msk[i, 0] = ring
        img[i, 0] += 0.9 * ring
    return img, msk


imgs, msks = rings(640)
full = TensorDataset(torch.from_numpy(imgs), torch.from_numpy(msks))
train_set, val_set = random_split(full, [512, 128], generator=torch.Generator().manual_seed(4))
tr_idx = torch.tensor(train_set.indices)
mu, sd = full.tensors[0][tr_idx].mean(), full.tensors[0][tr_idx].std()
full.tensors = ((full.tensors[0] - mu) / sd, full.tensors[1])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=128)


class DropUNet(nn.Module):
    def __init__(self, c=12, p=0.1):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(), nn.Dropout2d(p),
                                 nn.Conv2d(2 * c, 2 * c, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(2 * c, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, 1, 1))

    def forward(self, x):
        e = self.enc(x)
        return self.dec(torch.cat([self.up(self.mid(F.max_pool2d(e, 2))), e], 1))


def soft_dice(logits, t, eps=1.0):
    p = torch.sigmoid(logits).flatten(1)
    t = t.flatten(1)
    return 1 - ((2 * (p * t).sum(1) + eps) / (p.sum(1) + t.sum(1) + eps)).mean()


model = DropUNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
best_iou, best_state, patience, bad = 0.0, None, 4, 0

for epoch in range(1, 21):
    model.train()
    losses = []
    for xb, yb in train_loader:
        opt.zero_grad()
        out = model(xb)
        loss = soft_dice(out, yb) + 0.5 * F.binary_cross_entropy_with_logits(out, yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(val_loader))
        out = model(xb)
        vloss = (soft_dice(out, yb) + 0.5 * F.binary_cross_entropy_with_logits(out, yb)).item()
        pred = (out > 0).float()
        viou = ((pred * yb).sum() / ((pred + yb) > 0).sum()).item()
    print(f"epoch {epoch:2d} train_loss {np.mean(losses):.4f} val_loss {vloss:.4f} val_iou {viou:.3f}")
    if viou > best_iou + 1e-3:
        best_iou, best_state, bad = viou, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"no improvement for {patience} epochs, stopping")
            break

model.load_state_dict(best_state)
print(f"best val IoU {best_iou:.3f}")
