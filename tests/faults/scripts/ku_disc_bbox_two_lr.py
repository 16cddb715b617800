import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
torch.set_num_threads(1)
rng = np.random.default_rng(5)
S = 20
gy, gx = np.mgrid[0:S, 0:S]


def sample(n):
    x = rng.normal(0, 0.3, (n, 1, S, S)).astype(np.float32)
    box = np.zeros((n, 4), np.float32)
    for i in range(n):
        r = rng.uniform(2.5, 6.0)
        cx, cy = rng.uniform(r, S - r, 2)
        x[i, 0][(gx - cx) ** 2 + (gy - cy) ** 2 <= r * r] += 1.3
        box[i] = [cx / S, cy / S, 2 * r / S, 2 * r / S]
    return torch.from_numpy(x), torch.from_numpy(box)


def iou_cxcywh(p, t):
    def corners(b):
        return b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2
    px1, py1, px2, py2 = corners(p)
    tx1, ty1, tx2, ty2 = corners(t)
    iw = (torch.min(px2, tx2) - torch.max(px1, tx1)).clamp(min=0)
    ih = (torch.min(py2, ty2) - torch.max(py1, ty1)).clamp(min=0)
    inter = iw * ih
    union = p[:, 2].clamp(min=0) * p[:, 3].clamp(min=0) + t[:, 2] * t[:, 3] - inter
    return inter / union.clamp(min=1e-6)


class BoxNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Linear(32 * 5 * 5, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x):
        return self.head(self.backbone(x))


Xtr, Btr = sample(900)
Xva, Bva = sample(200)
mu, sd = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - mu) / sd, (Xva - mu) / sd

net = BoxNet()
opt = torch.optim.Adam([
    {"params": net.backbone.parameters(), "lr": 1e-6},
    {"params": net.head.parameters(), "lr": 1e-3},
])

for epoch in range(15):
    net.train()
    perm = torch.randperm(len(Xtr))
    acc_loss = 0.0
    for i in range(0, len(Xtr), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = F.smooth_l1_loss(net(Xtr[idx]), Btr[idx], beta=0.05)
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        pv = net(Xva)
        vloss = F.smooth_l1_loss(pv, Bva, beta=0.05).item()
        miou = iou_cxcywh(pv, Bva).mean().item()
    print(f"epoch {epoch+1:2d} | train {acc_loss/len(Xtr):.5f} | val {vloss:.5f} | mIoU {miou:.3f}")
print(f"validation mean IoU: {miou:.3f}")
