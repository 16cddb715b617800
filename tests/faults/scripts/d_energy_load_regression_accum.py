# Energy-load regression, hold-out = fold 1 of 5. Targets z-scored on train, RMSE on raw scale.
# Micro-batches of 16 with 4-step gradient accumulation (effective batch 64), ReduceLROnPlateau.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import KFold
from sklearn.metrics import r2_score, mean_squared_error

torch.set_num_threads(1)
torch.manual_seed(8)
rng = np.random.RandomState(8)

X, lin = make_regression(n_samples=2400, n_features=10, n_informative=7, noise=5.0, random_state=8)
load = 500 + 2.0 * lin + 40 * np.tanh(X[:, 0] * X[:, 1]) + 25 * np.abs(X[:, 2])

folds = list(KFold(5, shuffle=True, random_state=8).split(X))
tr, va = folds[1]
x_mean, x_std = X[tr].mean(0), X[tr].std(0)
t_mean, t_std = load[tr].mean(), load[tr].std()

Xtr = torch.tensor((X[tr] - x_mean) / x_std, dtype=torch.float32)
Xva = torch.tensor((X[va] - x_mean) / x_std, dtype=torch.float32)
ttr = torch.tensor((load[tr] - t_mean) / t_std, dtype=torch.float32).unsqueeze(1)
tva = torch.tensor((load[va] - t_mean) / t_std, dtype=torch.float32).unsqueeze(1)


class Regressor(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, 96), nn.SiLU(), nn.Dropout(0.05),
                                 nn.Linear(96, 48), nn.SiLU(), nn.Linear(48, 1))

    def forward(self, x):
        return self.net(x)


model = Regressor(Xtr.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=3)
loss_fn = nn.MSELoss()

MICRO, ACCUM, EPOCHS = 16, 4, 30
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    optimizer.zero_grad()
    running, n_micro = 0.0, 0
    for k, i in enumerate(range(0, len(Xtr), MICRO)):
        b = perm[i:i + MICRO]
        loss = loss_fn(model(Xtr[b]), ttr[b])
        (loss / ACCUM).backward()
        running += loss.item()
        n_micro += 1
        if (k + 1) % ACCUM == 0 or i + MICRO >= len(Xtr):
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        val_loss = loss_fn(model(Xva), tva).item()
    plateau.step(val_loss)
    print(f"epoch {epoch + 1:02d} train_mse {running / n_micro:.4f} val_mse {val_loss:.4f} "
          f"lr {optimizer.param_groups[0]['lr']:.1e}")

model.eval()
with torch.no_grad():
    pred = model(Xva).squeeze(1).numpy() * t_std + t_mean
print(f"holdout R2 {r2_score(load[va], pred):.4f}  RMSE {mean_squared_error(load[va], pred) ** 0.5:.2f}")
