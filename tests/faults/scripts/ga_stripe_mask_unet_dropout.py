# Segment the horizontal-stripe region of 24x24 textures (vs. vertical-stripe background).
# U-Net with batch-norm and spatial dropout, AdamW + ReduceLROnPlateau on val loss.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(5)
rng = np.random.default_rng(5)
SZ = 24


def textures(n):
    yy, xx = np.mgrid[:SZ, :SZ]
    x = np.zeros((n, 1, SZ, SZ), np.float32)
    y = np.zeros((n, 1, SZ, SZ), np.float32)
    for i in range(n):
        ph1, ph2 = rng.uniform(0, 2 * np.pi, 2)
        vert = np.sin(xx * 1.3 + ph1)
        horiz = np.sin(yy * 1.3 + ph2)
        cy, cx = rng.uniform(6, SZ - 6, 2)
        ry, rx = rng.uniform(3, 7, 2)
        region = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        x[i, 0] = np.where(region, horiz, vert) + rng.normal(0, 0.5, (SZ, SZ))
        y[i, 0] = region
    return x, y


xtr, ytr = textures(480)
xva, yva = textures(160)
m, s = xtr.mean(), xtr.std()
train_dl = DataLoader(TensorDataset(torch.tensor((xtr - m) / s), torch.tensor(ytr)), batch_size=32, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.tensor((xva - m) / s), torch.tensor(yva)), batch_size=2)


def cbr(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1 = nn.Sequential(cbr(1, 16), cbr(16, 16))
        self.e2 = nn.Sequential(cbr(16, 32), cbr(32, 32), nn.Dropout2d(0.6))
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.d1 = nn.Sequential(cbr(32, 16), nn.Dropout2d(0.5), nn.Conv2d(16, 1, 1))

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(F.max_pool2d(a, 2))
        return self.d1(torch.cat([self.up(b), a], 1))


net = Net()
optim = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optim, mode="min", factor=0.5, patience=2)
crit = nn.BCEWithLogitsLoss()


def validate():
    tot_loss, inter, union, right, n = 0.0, 0.0, 0.0, 0.0, 0
    with torch.no_grad():
        for xb, yb in val_dl:
            out = net(xb)
            tot_loss += crit(out, yb).item() * len(xb)
            p = (out > 0).float()
            inter += (p * yb).sum().item()
            union += ((p + yb) > 0).sum().item()
            right += (p == yb).float().mean().item() * len(xb)
            n += len(xb)
    return tot_loss / n, inter / union, right / n


net.train()
for epoch in range(14):
    seen, run_loss = 0, 0.0
    for xb, yb in train_dl:
        optim.zero_grad()
        loss = crit(net(xb), yb)
        loss.backward()
        optim.step()
        run_loss += loss.item() * len(xb)
        seen += len(xb)
    vloss, viou, vacc = validate()
    plateau.step(vloss)
    print(f"epoch {epoch + 1:2d}  train_bce {run_loss / seen:.4f}  val_bce {vloss:.4f}  "
          f"val_iou {viou:.3f}  val_pix_acc {vacc:.3f}  lr {optim.param_groups[0]['lr']:.2e}")

print(f"best-effort final val IoU {viou:.3f}")
