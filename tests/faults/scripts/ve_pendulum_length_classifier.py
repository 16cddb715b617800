"""Which of eight pendulums was recorded?  Lengths 0.3 m ... 2.4 m, released
from a random angle (large-amplitude, nonlinear), angle logged at 25 Hz for
2 s by a noisy encoder. Trajectories generated with RK4."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 5
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)

LENGTHS = np.linspace(0.3, 2.4, 8)
G = 9.81


def rk4_pendulum(theta0, L, dt=0.01, n=200, every=4):
    def f(s):
        return np.stack([s[1], -G / L * np.sin(s[0])])
    s = np.stack([theta0, np.zeros_like(theta0)])
    out = []
    for k in range(n):
        if k % every == 0:
            out.append(s[0].copy())
        k1 = f(s); k2 = f(s + 0.5 * dt * k1); k3 = f(s + 0.5 * dt * k2); k4 = f(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.stack(out, axis=-1)


def make_dataset(n_per_class):
    X, y = [], []
    for c, L in enumerate(LENGTHS):
        th0 = np.random.uniform(0.2, 2.0, n_per_class) * np.random.choice([-1, 1], n_per_class)
        X.append(rk4_pendulum(th0, np.full(n_per_class, L)))
        y.append(np.full(n_per_class, c))
    X = np.concatenate(X) + np.random.normal(0, 0.05, (8 * n_per_class, 50))
    return X.astype(np.float32), np.concatenate(y)


X, y = make_dataset(200)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)


class Classifier(nn.Module):
    def __init__(self, n_in, n_cls):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_in, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, n_cls),
            nn.Softmax(dim=1),
        )

    def forward(self, x):
        return self.layers(x)


class Trainer:
    def __init__(self, model, lr=0.05):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        self.loss_fn = nn.CrossEntropyLoss()

    def fit_epoch(self, X, y, bs=64):
        self.model.train()
        idx = torch.randperm(len(X))
        total, hits = 0.0, 0
        for i in range(0, len(X), bs):
            b = idx[i:i + bs]
            out = self.model(X[b])
            loss = self.loss_fn(out, y[b])
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item() * len(b)
            hits += (out.argmax(1) == y[b]).sum().item()
        return total / len(X), hits / len(X)

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        out = self.model(X)
        return self.loss_fn(out, y).item(), (out.argmax(1) == y).float().mean().item()


Xt = torch.tensor(X_tr, dtype=torch.float32); yt = torch.tensor(y_tr, dtype=torch.long)
Xe = torch.tensor(X_te, dtype=torch.float32); ye = torch.tensor(y_te, dtype=torch.long)
trainer = Trainer(Classifier(Xt.shape[1], len(LENGTHS)))
for epoch in range(1, 31):
    tl, ta = trainer.fit_epoch(Xt, yt)
    vl, va = trainer.evaluate(Xe, ye)
    if epoch % 3 == 0 or epoch == 1:
        print(f"epoch {epoch:02d}: loss={tl:.4f} acc={ta:.3f} | val_loss={vl:.4f} val_acc={va:.3f}")
print(f"test accuracy: {va:.3f}")
