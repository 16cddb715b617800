"""Nonlinear tabular regression with a per-feature tokenizer + MLP head."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(7)
np.random.seed(7)
torch.set_num_threads(1)

rng = np.random.default_rng(7)
n_rows = 2000
X = rng.normal(size=(n_rows, 8)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0, 1.0, 10.0, 0.2])
y = (2.0 * np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * X[:, 3] ** 2
     + np.tanh(X[:, 6] / 10) * 3 + rng.normal(scale=0.3, size=n_rows))
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=7)

xs = StandardScaler().fit(X_tr)
X_tr, X_va = xs.transform(X_tr), xs.transform(X_va)
y_mu, y_sd = y_tr.mean(), y_tr.std()
y_tr_s, y_va_s = (y_tr - y_mu) / y_sd, (y_va - y_mu) / y_sd

X_tr_t = torch.tensor(X_tr, dtype=torch.float32)
y_tr_t = torch.tensor(y_tr_s, dtype=torch.float32)
X_va_t = torch.tensor(X_va, dtype=torch.float32)


class FeatureTokenizer(nn.Module):
    def __init__(self, n_features, d_token):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_features, d_token) / d_token ** 0.5)
        self.bias = nn.Parameter(torch.zeros(n_features, d_token))

    def forward(self, x):
        return x.unsqueeze(-1) * self.weight + self.bias


class TokenMLP(nn.Module):
    def __init__(self, n_features, d_token=8, hidden=64):
        super().__init__()
        self.tok = FeatureTokenizer(n_features, d_token)
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(n_features * d_token, hidden),
            nn.LayerNorm(hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(self.tok(x)).squeeze(-1)


model = TokenMLP(X_tr.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()

EPOCHS = 3
BATCH = 64
n = len(X_tr_t)
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(X_tr_t[idx]), y_tr_t[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        va_mse = float(np.mean((model(X_va_t).numpy() - y_va_s) ** 2))
    print(f"epoch {epoch + 1:3d}  train_mse {total / n:.4f}  val_mse {va_mse:.4f}")

model.eval()
with torch.no_grad():
    pred = model(X_va_t).numpy() * y_sd + y_mu
rmse = float(np.sqrt(np.mean((pred - y_va) ** 2)))
r2 = 1 - np.sum((pred - y_va) ** 2) / np.sum((y_va - y_va.mean()) ** 2)
print(f"validation RMSE {rmse:.3f}  R^2 {r2:.3f}")
