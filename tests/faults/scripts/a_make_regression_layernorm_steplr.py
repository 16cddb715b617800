import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(2)
torch.set_num_threads(1)
np.random.seed(2)

X, y = make_regression(n_samples=3000, n_features=20, n_informative=12, noise=15.0, random_state=2)
y = y + 30 * np.sin(X[:, 0])
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2)
x_sc = StandardScaler().fit(X_train)
y_sc = StandardScaler().fit(y_train.reshape(-1, 1))

train_ds = TensorDataset(torch.tensor(x_sc.transform(X_train), dtype=torch.float32),
                         torch.tensor(y_sc.transform(y_train.reshape(-1, 1)), dtype=torch.float32))
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
X_val_t = torch.tensor(x_sc.transform(X_val), dtype=torch.float32)


class Regressor(nn.Module):
    def __init__(self, d_in, hidden=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, hidden), nn.LayerNorm(hidden), nn.GELU(),
            nn.Linear(hidden, hidden), nn.LayerNorm(hidden), nn.GELU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


model = Regressor(20)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
loss_fn = nn.SmoothL1Loss()

for epoch in range(30):
    model.train()
    total = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    sched.step()
    model.eval()
    with torch.no_grad():
        pred = y_sc.inverse_transform(model(X_val_t).numpy()).ravel()
    if epoch % 3 == 0 or epoch == 29:
        print(f"epoch {epoch:2d} lr {sched.get_last_lr()[0]:.5f} train loss {total / len(train_ds):.4f} "
              f"val R^2 {r2_score(y_val, pred):.4f}")

print(f"final validation R^2: {r2_score(y_val, pred):.4f}")
