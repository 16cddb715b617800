"""Conditional quantile regression (pinball loss) for prediction intervals."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
np.random.seed(1)

QUANTILES = (0.1, 0.5, 0.9)


def pinball(pred, target, qs):
    diff = target.unsqueeze(1) - pred
    q = torch.tensor(qs, dtype=pred.dtype).unsqueeze(0)
    return torch.maximum(q * diff, (q - 1) * diff).mean()


class QuantileNet(nn.Module):
    def __init__(self, d_in, n_q, width=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, width), nn.ReLU(),
            nn.Linear(width, width), nn.ReLU(),
        )
        self.head = nn.Linear(width, n_q)

    def forward(self, x):
        return self.head(self.body(x))


def generate(n=2400, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 4))
    scale = 0.3 + 0.5 * np.abs(X[:, 2])
    y = 2.0 * np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] ** 2 + scale * rng.standard_normal(n)
    return X, y


X, y = generate()
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=1)
xs = StandardScaler().fit(X_tr)
y_mu, y_sd = y_tr.mean(), y_tr.std()
Xtr = torch.tensor(xs.transform(X_tr), dtype=torch.float32)
Xva = torch.tensor(xs.transform(X_va), dtype=torch.float32)
ytr = torch.tensor((y_tr - y_mu) / y_sd, dtype=torch.float32)
yva = torch.tensor((y_va - y_mu) / y_sd, dtype=torch.float32)

model = QuantileNet(Xtr.shape[1], len(QUANTILES))
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
EPOCHS, BS = 30, 64

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    running = 0.0
    for i in range(0, len(Xtr), BS):
        idx = perm[i:i + BS]
        optimizer.zero_grad()
        loss = pinball(model(Xtr[idx]), ytr[idx], QUANTILES)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val_loss = pinball(model(Xva), yva, QUANTILES).item()
    print(f"epoch {epoch + 1:2d}  train pinball {running / len(Xtr):.4f}  val pinball {val_loss:.4f}")

model.eval()
with torch.no_grad():
    q = model(Xva) * y_sd + y_mu
lo, med, hi = q[:, 0].numpy(), q[:, 1].numpy(), q[:, 2].numpy()
coverage = np.mean((y_va >= lo) & (y_va <= hi))
mae = np.mean(np.abs(y_va - med))
print(f"val 80% interval coverage {coverage:.3f}  mean width {np.mean(hi - lo):.3f}")
print(f"val median MAE {mae:.3f}  (target std {y_va.std():.3f})")
