# Masked-feature reconstruction pretraining followed by a price regressor.
# Synthetic "housing" table: 12 numeric features, target is a sale price.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.metrics import r2_score, mean_absolute_error

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

X, base = make_regression(n_samples=1600, n_features=12, n_informative=8, noise=4.0, random_state=SEED)
price = 320_000 + 900.0 * base + 15_000 * np.tanh(X[:, 0] * X[:, 1])

X_train, X_val, p_train, p_val = train_test_split(X, price, test_size=0.2, random_state=SEED)
feat_mean = X_train.mean(axis=0)
feat_std = X_train.std(axis=0)
X_train = (X_train - feat_mean) / feat_std
X_val = (X_val - feat_mean) / feat_std

Xtr = torch.from_numpy(X_train).float()
Xva = torch.from_numpy(X_val).float()
ytr = torch.from_numpy(p_train).float().unsqueeze(1)
yva = torch.from_numpy(p_val).float().unsqueeze(1)


def batches(n, bs, gen):
    idx = torch.randperm(n, generator=gen)
    for s in range(0, n, bs):
        yield idx[s:s + bs]


class Backbone(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, 96), nn.GELU(), nn.Linear(96, 64), nn.GELU())

    def forward(self, x):
        return self.body(x)


d = Xtr.shape[1]
backbone = Backbone(d)
recon_head = nn.Linear(64, d)
gen = torch.Generator().manual_seed(SEED)

# stage 1: reconstruct randomly masked features (mask ratio 30%)
opt1 = torch.optim.AdamW(list(backbone.parameters()) + list(recon_head.parameters()), lr=2e-3, weight_decay=1e-4)
for ep in range(12):
    backbone.train()
    running = []
    for idx in batches(len(Xtr), 64, gen):
        xb = Xtr[idx]
        mask = (torch.rand_like(xb) < 0.3).float()
        pred = recon_head(backbone(xb * (1 - mask)))
        loss = (((pred - xb) ** 2) * mask).sum() / mask.sum().clamp(min=1)
        opt1.zero_grad()
        loss.backward()
        opt1.step()
        running.append(loss.item())
    print(f"stage1 ep {ep:02d} masked-recon loss {np.mean(running):.4f}")

# stage 2: regression head on top of the pretrained backbone
reg_head = nn.Linear(64, 1)
model = nn.Sequential(backbone, reg_head)
opt2 = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=40)
loss_fn = nn.MSELoss()

for ep in range(40):
    model.train()
    running = []
    for idx in batches(len(Xtr), 64, gen):
        out = model(Xtr[idx])
        loss = loss_fn(out, ytr[idx])
        opt2.zero_grad()
        loss.backward()
        opt2.step()
        running.append(loss.item())
    sched.step()
    model.eval()
    with torch.no_grad():
        val_pred = model(Xva)
        val_mse = loss_fn(val_pred, yva).item()
    if ep % 4 == 0 or ep == 39:
        print(f"stage2 ep {ep:02d} train mse {np.mean(running):.4e} val mse {val_mse:.4e}")

model.eval()
with torch.no_grad():
    final = model(Xva).squeeze(1).numpy()
print(f"val MAE ${mean_absolute_error(p_val, final):,.0f}   val R2 {r2_score(p_val, final):.4f}")
