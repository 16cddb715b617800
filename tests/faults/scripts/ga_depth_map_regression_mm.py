"""Dense depth regression: predict a per-pixel depth map (millimetres) from a shaded 20x20 render."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(21)
R = np.random.default_rng(21)
N = 20


def scenes(n):
    yy, xx = np.mgrid[:N, :N].astype(np.float32)
    depth = np.zeros((n, 1, N, N), np.float32)
    shade = np.zeros((n, 1, N, N), np.float32)
    for i in range(n):
        d = np.full((N, N), R.uniform(3000, 5000), np.float32)
        for _ in range(2):
            cy, cx, r = R.uniform(4, N - 4), R.uniform(4, N - 4), R.uniform(2.5, 5)
            inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
            d = np.where(inside, np.minimum(d, R.uniform(800, 2500)), d)
        depth[i, 0] = d
        shade[i, 0] = 1e6 / (d ** 2) * 4 + R.normal(0, 0.05, (N, N))
    return shade, depth


x_train, d_train = scenes(500)
x_val, d_val = scenes(120)
xm, xs = x_train.mean(), x_train.std()
x_train = torch.from_numpy((x_train - xm) / xs)
x_val = torch.from_numpy((x_val - xm) / xs)
d_train, d_val = torch.from_numpy(d_train), torch.from_numpy(d_val)


class DepthNet(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.c1 = nn.Conv2d(1, ch, 3, padding=1)
        self.c2 = nn.Conv2d(ch, 2 * ch, 3, padding=1)
        self.c3 = nn.Conv2d(3 * ch, ch, 3, padding=1)
        self.head = nn.Conv2d(ch, 1, 1)

    def forward(self, x):
        f1 = F.relu(self.c1(x))
        f2 = F.relu(self.c2(F.avg_pool2d(f1, 2)))
        f2 = F.interpolate(f2, size=f1.shape[-2:], mode="nearest")
        return self.head(F.relu(self.c3(torch.cat([f1, f2], 1))))


model = DepthNet()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(15):
    model.train()
    idx = torch.randperm(len(x_train))
    s = 0.0
    for b in range(0, len(idx), 25):
        j = idx[b:b + 25]
        pred = model(x_train[j])
        loss = F.mse_loss(pred, d_train[j])
        opt.zero_grad()
        loss.backward()
        opt.step()
        s += loss.item() * len(j)
    model.eval()
    with torch.no_grad():
        pv = model(x_val)
        rmse = torch.sqrt(F.mse_loss(pv, d_val)).item()
        mae = (pv - d_val).abs().mean().item()
    print(f"epoch {epoch + 1:2d}  train_mse {s / len(x_train):12.1f}  val_rmse_mm {rmse:8.1f}  val_mae_mm {mae:8.1f}")

print(f"target std (mm) on val: {d_val.std().item():.1f}; final val RMSE {rmse:.1f} mm")
