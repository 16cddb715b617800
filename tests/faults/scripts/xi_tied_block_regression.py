import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

# A regressor whose hidden block is shared across depth: one Linear+GELU block
# applied N_REPEAT times (ALBERT-style tying), so depth costs no extra params.
N_REPEAT = 3
HIDDEN = 64
torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)


class TiedDepthRegressor(nn.Module):
    def __init__(self, d_in, hidden, repeats):
        super().__init__()
        self.embed = nn.Linear(d_in, hidden)
        self.shared = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU())
        self.norm = nn.LayerNorm(hidden)
        self.repeats = repeats
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        h = torch.relu(self.embed(x))
        for _ in range(self.repeats):
            h = self.norm(h + self.shared(h))
        return self.head(h)


X, y = make_regression(n_samples=2000, n_features=16, n_informative=10,
                       noise=5.0, random_state=11)
y = y + 0.02 * y ** 2 / y.std()          # a mild non-linearity
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=11)

xs = StandardScaler().fit(X_tr)
ys = StandardScaler().fit(y_tr.reshape(-1, 1))
X_tr, X_va = xs.transform(X_tr), xs.transform(X_va)
y_tr_s = ys.transform(y_tr.reshape(-1, 1)).ravel()

train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32),
                         torch.tensor(y_tr_s, dtype=torch.float32))
loader = DataLoader(train_ds, batch_size=64, shuffle=True)
X_va_t = torch.tensor(X_va, dtype=torch.float32)

model = TiedDepthRegressor(X.shape[1], HIDDEN, N_REPEAT)
n_unique = sum(p.numel() for p in model.parameters())
n_untied = n_unique + (N_REPEAT - 1) * sum(p.numel() for p in model.shared.parameters())
print(f"parameters: {n_unique} (an untied stack would need {n_untied})")

opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
criterion = nn.MSELoss()

t0 = time.time()
for epoch in range(30):
    model.train()
    tot, n = 0.0, 0
    for xb, yb in loader:
        opt.zero_grad()
        pred = model(xb)
        loss = criterion(pred, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(xb)
        n += len(xb)
    sched.step()

    model.eval()
    with torch.no_grad():
        pred_va = ys.inverse_transform(model(X_va_t).numpy()).ravel()
    rmse = np.sqrt(np.mean((pred_va - y_va) ** 2))
    r2 = 1 - np.sum((pred_va - y_va) ** 2) / np.sum((y_va - y_va.mean()) ** 2)
    if epoch % 5 == 0 or epoch == 29:
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.2e}  train mse {tot / n:.4f}  "
              f"val rmse {rmse:.2f}  val R2 {r2:.3f}")

print(f"done in {time.time() - t0:.1f}s, final val R2 {r2:.3f}")
