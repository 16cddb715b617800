"""Poisson count regression with a small MLP, wrapped as an sklearn-style estimator."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class PoissonMLPRegressor:
    def __init__(self, hidden=32, lr=0.01, epochs=25, batch_size=64, seed=0):
        self.hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.seed = seed

    def _build(self, n_features):
        return nn.Sequential(
            nn.Linear(n_features, self.hidden),
            nn.ReLU(),
            nn.Linear(self.hidden, self.hidden),
            nn.ReLU(),
            nn.Linear(self.hidden, 1),
        )

    def fit(self, X, y):
        torch.manual_seed(self.seed)
        self.scaler_ = StandardScaler().fit(X)
        Xt = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
        yt = torch.tensor(y, dtype=torch.float32)
        self.model_ = self._build(X.shape[1])
        opt = torch.optim.SGD(self.model_.parameters(), lr=self.lr, momentum=0.9)
        loss_fn = nn.PoissonNLLLoss(log_input=True, full=False)
        n = len(Xt)
        g = torch.Generator().manual_seed(self.seed)
        for epoch in range(self.epochs):
            self.model_.train()
            perm = torch.randperm(n, generator=g)
            total = 0.0
            for i in range(0, n, self.batch_size):
                idx = perm[i:i + self.batch_size]
                log_rate = self.model_(Xt[idx]).squeeze(1)
                loss = loss_fn(log_rate, yt[idx])
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
            if epoch % 5 == 0 or epoch == self.epochs - 1:
                print(f"epoch {epoch:3d}  poisson nll {total / n:.4f}")
        return self

    def predict(self, X):
        self.model_.eval()
        with torch.no_grad():
            Xt = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
            return torch.exp(self.model_(Xt).squeeze(1)).numpy()

    def score(self, X, y):
        """Fraction of Poisson deviance explained (D^2)."""
        mu = np.clip(self.predict(X), 1e-8, None)
        def dev(y, m):
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(y > 0, y * np.log(y / m), 0.0)
            return 2 * np.sum(t - (y - m))
        return 1.0 - dev(y, mu) / dev(y, np.full_like(mu, y.mean()))


def make_counts(n=3000, d=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.uniform(-2, 2, size=d)
    Z = (X - X.mean(0)) / X.std(0)
    eta = 0.5 + 0.6 * Z[:, 0] - 0.4 * Z[:, 1] + 0.3 * np.sin(2 * Z[:, 2]) + 0.25 * Z[:, 3] * Z[:, 4]
    y = rng.poisson(np.exp(eta)).astype(np.float64)
    return X, y


if __name__ == "__main__":
    np.random.seed(0)
    X, y = make_counts()
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0)
    print(f"train rows {len(X_tr)}, val rows {len(X_va)}, mean count {y_tr.mean():.2f}")
    est = PoissonMLPRegressor().fit(X_tr, y_tr)
    print(f"train D^2 {est.score(X_tr, y_tr):.3f}")
    print(f"val   D^2 {est.score(X_va, y_va):.3f}")
    mu = est.predict(X_va)
    print(f"val mean predicted count {mu.mean():.2f} vs observed {y_va.mean():.2f}")
