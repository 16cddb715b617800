# Does a kicked pendulum go over the top?  Simulated measurements of the
# initial angle, initial angular velocity and the arm length; the label is
# obtained by integrating the (undamped) pendulum with RK4 and checking
# whether |theta| ever passes pi.
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
rng = np.random.RandomState(8)
torch.set_num_threads(1)

g, dt, T = 9.81, 0.01, 4.0


def goes_over_top(theta0, omega0, L):
    s = np.stack([theta0, omega0])
    over = np.zeros(theta0.shape, dtype=bool)
    f = lambda s: np.stack([s[1], -(g / L) * np.sin(s[0])])
    for _ in range(int(T / dt)):
        k1 = f(s); k2 = f(s + dt / 2 * k1); k3 = f(s + dt / 2 * k2); k4 = f(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        over |= np.abs(s[0]) > np.pi
    return over.astype(np.int64)


N = 4000
theta0 = rng.uniform(-np.pi * 0.95, np.pi * 0.95, N)
omega0 = rng.uniform(-5.0, 9.0, N)
L = rng.uniform(0.5, 2.0, N)
y = goes_over_top(theta0, omega0, L)
X = np.column_stack([theta0, omega0, L]) + rng.normal(0, 0.01, (N, 3))   # sensor noise
print(f"fraction going over the top: {y.mean():.3f}")

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=8)
mu, sd = X_train.mean(0), X_train.std(0)
X_train, X_val = (X_train - mu) / sd, (X_val - mu) / sd
Xtr, ytr = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
Xva, yva = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)


class RotationNet(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.head = nn.Linear(n_features, 2)

    def forward(self, x):
        return self.head(x)


model = RotationNet(3)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
BATCH = 64

for epoch in range(1, 41):
    model.train()
    order = torch.randperm(len(Xtr))
    ep_loss = 0.0
    for start in range(0, len(order), BATCH):
        idx = order[start:start + BATCH]
        opt.zero_grad()
        loss = criterion(model(Xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        tr_acc = (model(Xtr).argmax(1) == ytr).float().mean().item()
        va_out = model(Xva)
        va_loss = criterion(va_out, yva).item()
        va_acc = (va_out.argmax(1) == yva).float().mean().item()
    if epoch % 4 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  loss {ep_loss / len(Xtr):.4f}  train_acc {tr_acc:.3f}  val_loss {va_loss:.4f}  val_acc {va_acc:.3f}")

print(f"final: train_acc {tr_acc:.3f}  val_acc {va_acc:.3f}")
