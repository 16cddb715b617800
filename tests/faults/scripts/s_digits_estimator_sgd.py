import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)


class MLPDigitEstimator:
    """Minimal estimator: fit / predict / score, like sklearn's MLPClassifier."""

    def __init__(self, n_classes=10, hidden=128, lr=0.01, epochs=30, batch_size=64):
        self.n_classes = n_classes
        self.hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size

    def fit(self, X, y, X_val=None, y_val=None):
        self.scaler_ = StandardScaler().fit(X)
        X = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
        y = torch.tensor(y, dtype=torch.float32)
        self.net_ = nn.Sequential(
            nn.Linear(X.shape[1], self.hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(self.hidden, self.hidden), nn.ReLU(),
            nn.Linear(self.hidden, 1),
        )
        crit = nn.MSELoss()
        opt = torch.optim.SGD(self.net_.parameters(), lr=self.lr, momentum=0.9, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=self.epochs)
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(X, y), batch_size=self.batch_size, shuffle=True)
        for ep in range(self.epochs):
            self.net_.train()
            losses = []
            for xb, yb in loader:
                opt.zero_grad()
                out = self.net_(xb).squeeze(1)
                loss = crit(out, yb)
                loss.backward()
                opt.step()
                losses.append(loss.item())
            sched.step()
            msg = f"epoch {ep + 1:2d}/{self.epochs} loss {np.mean(losses):.4f}"
            if X_val is not None and (ep + 1) % 5 == 0:
                msg += f"  val acc {self.score(X_val, y_val):.3f}"
            print(msg)
        return self

    def predict(self, X):
        self.net_.eval()
        with torch.no_grad():
            X = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
            out = self.net_(X).squeeze(1)
        return out.round().clamp(0, self.n_classes - 1).long().numpy()

    def score(self, X, y):
        return float((self.predict(X) == np.asarray(y)).mean())


X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, random_state=SEED)
est = MLPDigitEstimator().fit(X_tr, y_tr, X_te, y_te)
print(f"train accuracy {est.score(X_tr, y_tr):.3f}")
print(f"test accuracy  {est.score(X_te, y_te):.3f}")
