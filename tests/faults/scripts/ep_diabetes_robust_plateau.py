"""Diabetes regression: RobustScaler inputs, standardised target, LayerNorm residual MLP,
ReduceLROnPlateau on validation loss, gradient clipping."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import RobustScaler

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

X, y = load_diabetes(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=3)
rs = RobustScaler().fit(Xtr)
Xtr, Xva = rs.transform(Xtr), rs.transform(Xva)
mu, sd = ytr.mean(), ytr.std()
T = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Xva, ytr_t, yva_t = T(Xtr), T(Xva), T((ytr - mu) / sd), T((yva - mu) / sd)


class ResLN(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.f = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Dropout(0.3), nn.Linear(d, d))

    def forward(self, x):
        return x + self.f(self.ln(x))


net = nn.Sequential(nn.Linear(10, 32), ResLN(32), nn.LayerNorm(32), nn.Linear(32, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=5)
mse = nn.MSELoss()

for epoch in range(60):
    net.train()
    perm = torch.randperm(len(Xtr))
    agg = 0.0
    for k in range(0, len(perm), 32):
        b = perm[k:k + 32]
        opt.zero_grad()
        loss = mse(net(Xtr[b]).squeeze(1), ytr_t[b])
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
        opt.step()
        agg += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        vloss = mse(net(Xva).squeeze(1), yva_t).item()
    plateau.step(vloss)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} train_mse {agg / len(Xtr):.4f} val_mse {vloss:.4f} lr {opt.param_groups[0]['lr']:.1e}")

with torch.no_grad():
    pred = net(Xva).squeeze(1).numpy() * sd + mu
r2 = 1 - ((pred - yva) ** 2).sum() / ((yva - yva.mean()) ** 2).sum()
print(f"val RMSE {np.sqrt(((pred - yva) ** 2).mean()):.2f}  R2 {r2:.3f}")
