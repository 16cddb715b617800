"""Keypoint regression: predict the (row, col) centre of a Gaussian blob among distractor clutter."""
import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(11)
rs = np.random.RandomState(11)
IMG = 20


def render(n):
    yy, xx = np.mgrid[:IMG, :IMG]
    ims = rs.normal(0, 0.5, (n, 1, IMG, IMG)).astype(np.float32)
    pts = rs.uniform(3, IMG - 3, (n, 2)).astype(np.float32)
    for i, (r, c) in enumerate(pts):
        ims[i, 0] += 1.5 * np.exp(-((yy - r) ** 2 + (xx - c) ** 2) / (2 * 1.5 ** 2))
        for _ in range(3):
            dr, dc = rs.uniform(0, IMG, 2)
            ims[i, 0] += 0.7 * np.exp(-((yy - dr) ** 2 + (xx - dc) ** 2) / (2 * 0.8 ** 2))
    return ims, pts / IMG


train_x, train_y = render(64)
val_x, val_y = render(300)
mu, sd = train_x.mean(), train_x.std()
train_x = torch.tensor((train_x - mu) / sd)
val_x = torch.tensor((val_x - mu) / sd)
train_y, val_y = torch.tensor(train_y), torch.tensor(val_y)

net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
    nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
    nn.Flatten(),
    nn.Linear(32 * IMG * IMG, 256), nn.ReLU(),
    nn.Linear(256, 2),
)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
mse = nn.MSELoss()


def pixel_error(pred, target):
    return ((pred - target) * IMG).norm(dim=1).mean().item()


for epoch in range(1, 61):
    net.train()
    perm = torch.randperm(len(train_x))
    tot = 0.0
    for i in range(0, len(train_x), 16):
        b = perm[i:i + 16]
        opt.zero_grad()
        loss = mse(net(train_x[b]), train_y[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    if epoch % 5 == 0:
        net.eval()
        with torch.no_grad():
            tp, vp = net(train_x), net(val_x)
        print(f"epoch {epoch:3d}  train_mse {tot / len(train_x):.5f}  val_mse {mse(vp, val_y).item():.5f}  "
              f"train_px_err {pixel_error(tp, train_y):.2f}  val_px_err {pixel_error(vp, val_y):.2f}")

print(f"final: train pixel error {pixel_error(tp, train_y):.2f}, val pixel error {pixel_error(vp, val_y):.2f}")
