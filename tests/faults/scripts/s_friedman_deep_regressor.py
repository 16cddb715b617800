import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class DeepMLPRegressor:
    """sklearn-flavoured wrapper: fit(X, y) / predict(X) / score(X, y) -> R^2."""

    def __init__(self, depth=8, width=64, lr=1e-3, weight_decay=1e-4, epochs=40, batch_size=64,
                 random_state=0, verbose=True):
        self.depth, self.width = depth, width
        self.lr, self.weight_decay = lr, weight_decay
        self.epochs, self.batch_size = epochs, batch_size
        self.random_state, self.verbose = random_state, verbose

    def _make_net(self, d):
        mods, prev = [], d
        for _ in range(self.depth):
            lin = nn.Linear(prev, self.width)
            nn.init.uniform_(lin.weight, -0.5, 0.5)
            nn.init.zeros_(lin.bias)
            mods += [lin, nn.ReLU()]
            prev = self.width
        mods.append(nn.Linear(prev, 1))
        return nn.Sequential(*mods)

    def fit(self, X, y):
        torch.manual_seed(self.random_state)
        self.xs_ = StandardScaler().fit(X)
        self.y_mean_, self.y_std_ = float(y.mean()), float(y.std())
        Xt = torch.tensor(self.xs_.transform(X), dtype=torch.float32)
        yt = torch.tensor((y - self.y_mean_) / self.y_std_, dtype=torch.float32).unsqueeze(1)
        self.net_ = self._make_net(X.shape[1])
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        mse = nn.MSELoss()
        self.loss_curve_ = []
        for ep in range(self.epochs):
            self.net_.train()
            order = torch.randperm(len(Xt))
            ep_loss, max_gn = 0.0, 0.0
            for s in range(0, len(Xt), self.batch_size):
                b = order[s:s + self.batch_size]
                opt.zero_grad()
                loss = mse(self.net_(Xt[b]), yt[b])
                loss.backward()
                gnorm = torch.sqrt(sum((p.grad ** 2).sum() for p in self.net_.parameters()))
                max_gn = max(max_gn, gnorm.item())
                opt.step()
                ep_loss += loss.item() * len(b)
            self.loss_curve_.append(ep_loss / len(Xt))
            if self.verbose and (ep % 10 == 0 or ep == self.epochs - 1):
                print(f"  epoch {ep:3d}  mse {self.loss_curve_[-1]:.4f}  max grad norm {max_gn:.3g}")
        return self

    def predict(self, X):
        self.net_.eval()
        with torch.no_grad():
            z = self.net_(torch.tensor(self.xs_.transform(X), dtype=torch.float32)).squeeze(1)
        return z.numpy() * self.y_std_ + self.y_mean_

    def score(self, X, y):
        return r2_score(y, self.predict(X))


def friedman_like(n=2000, d=10, noise=0.5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(n, d)) * rng.uniform(1, 20, size=d)
    U = X / X.max(0)
    y = (10 * np.sin(np.pi * U[:, 0] * U[:, 1]) + 20 * (U[:, 2] - 0.5) ** 2
         + 10 * U[:, 3] + 5 * U[:, 4] + noise * rng.standard_normal(n))
    return X, y


X, y = friedman_like()
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
print(f"train {X_tr.shape}, test {X_te.shape}")
final = DeepMLPRegressor().fit(X_tr, y_tr)
print(f"train R^2 {final.score(X_tr, y_tr):.3f}")
print(f"test  R^2 {final.score(X_te, y_te):.3f}")
