# Diabetes disease-progression regression.
# Quantile-normalised inputs (fitted on train), residual MLP with BatchNorm, OneCycle schedule.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import QuantileTransformer
from sklearn.metrics import r2_score

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

data = load_diabetes()
X, y = data.data.astype(np.float32), data.target.astype(np.float32)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)

qt = QuantileTransformer(n_quantiles=200, output_distribution="normal", random_state=0)
X_train = qt.fit_transform(X_train).astype(np.float32)
X_val = qt.transform(X_val).astype(np.float32)
t_mean, t_std = y_train.mean(), y_train.std()

train_set = TensorDataset(torch.from_numpy(X_train), torch.from_numpy((y_train - t_mean) / t_std))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)


def block(width, dropout):
    return nn.Sequential(nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(),
                         nn.Linear(width, width))


class TabResNet(nn.Module):
    def __init__(self, n_in, width=48, depth=2, dropout=0.2):
        super().__init__()
        self.inp = nn.Linear(n_in, width)
        self.blocks = nn.ModuleList([block(width, dropout) for _ in range(depth)])
        self.out = nn.Sequential(nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, 1))

    def forward(self, x):
        h = self.inp(x)
        for b in self.blocks:
            h = h + b(h)
        return self.out(h).squeeze(1)


net = TabResNet(X_train.shape[1])
epochs = 40
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=epochs,
                                            steps_per_epoch=len(train_loader))
mse = nn.MSELoss()
X_val_t = torch.from_numpy(X_val)

for ep in range(1, epochs + 1):
    net.train()
    losses = []
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = mse(net(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        pred = net(X_val_t).numpy() * t_std + t_mean
    if ep % 5 == 0 or ep == 1:
        print(f"[{ep:02d}/{epochs}] train_mse={np.mean(losses):.4f} val_r2={r2_score(y_val, pred):.3f}")

rmse = float(np.sqrt(np.mean((pred - y_val) ** 2)))
print(f"val RMSE {rmse:.2f} | val R2 {r2_score(y_val, pred):.3f}")
