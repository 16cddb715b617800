import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(22)
torch.set_num_threads(1)
rng = np.random.default_rng(22)
W = 20
yy, xx = np.mgrid[0:W, 0:W]


def scenes(n):
    imgs = rng.normal(0, 0.25, (n, 1, W, W)).astype(np.float32)
    cnt = rng.integers(0, 6, n).astype(np.float32)
    for i in range(n):
        for _ in range(int(cnt[i])):
            cx, cy = rng.integers(2, W - 2, 2)
            imgs[i, 0][(xx - cx) ** 2 + (yy - cy) ** 2 <= 3] = 1.2
    return torch.tensor(imgs), torch.tensor(cnt)


Xtr, ytr = scenes(900)
Xva, yva = scenes(250)
pix_mu, pix_sd = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - pix_mu) / pix_sd, (Xva - pix_mu) / pix_sd
c_mu, c_sd = ytr.mean(), ytr.std()


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        )
        self.reg = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        f = self.conv(x).mean(dim=(2, 3))
        return self.reg(f).squeeze(1)


model = Counter()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optim, factor=0.5, patience=2)
mse = nn.MSELoss()
dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, (ytr - c_mu) / c_sd), batch_size=32, shuffle=True)

for ep in range(25):
    model.train()
    s = 0.0
    for xb, tb in dl:
        optim.zero_grad()
        l = mse(model(xb), tb)
        l.backward()
        optim.step()
        s += l.item() * len(xb)
    model.eval()
    with torch.no_grad():
        pred = model(Xva) * c_sd + c_mu
        mae = (pred - yva).abs().mean().item()
        exact = (pred.round() == yva).float().mean().item()
        vmse = mse(model(Xva), (yva - c_mu) / c_sd).item()
    plateau.step(vmse)
    print(f"epoch {ep+1:2d} train_mse {s/len(Xtr):.4f} val_mae {mae:.3f} val_exact {exact:.3f}")
print(f"final: val MAE {mae:.3f}, exact-count accuracy {exact:.3f}")
