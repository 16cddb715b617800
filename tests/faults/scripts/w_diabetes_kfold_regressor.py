"""K-fold evaluation of an MLP regressor on the sklearn diabetes data."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.metrics import r2_score, mean_absolute_error
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

X, y = load_diabetes(return_X_y=True)


class Regressor(nn.Module):
    def __init__(self, n_in, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


def fit_fold(Xtr, ytr, Xva, yva, epochs=60, batch_size=32):
    xs = StandardScaler().fit(Xtr)
    ys_mu, ys_sd = ytr.mean(), ytr.std()
    xt = torch.tensor(xs.transform(Xtr), dtype=torch.float32)
    xv = torch.tensor(xs.transform(Xva), dtype=torch.float32)
    yt = torch.tensor((ytr - ys_mu) / ys_sd, dtype=torch.float32)

    model = Regressor(xt.shape[1])
    optim = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.MSELoss()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(order), batch_size):
            b = order[i:i + batch_size]
            optim.zero_grad()
            pred = model(xt[b])
            loss = loss_fn(pred, yt[b])
            loss.backward()
            optim.step()
            total += loss.item() * len(b)
        if epoch % 15 == 0:
            model.eval()
            with torch.no_grad():
                pv = model(xv).squeeze(1).numpy() * ys_sd + ys_mu
            print(f"  epoch {epoch:3d}  train_mse {total / len(xt):.4f}  val_r2 {r2_score(yva, pv):.4f}")
    model.eval()
    with torch.no_grad():
        pv = model(xv).squeeze(1).numpy() * ys_sd + ys_mu
    return r2_score(yva, pv), mean_absolute_error(yva, pv)


scores = []
for k, (tr, va) in enumerate(KFold(n_splits=3, shuffle=True, random_state=42).split(X)):
    print(f"fold {k + 1}/3")
    r2, mae = fit_fold(X[tr], y[tr], X[va], y[va])
    scores.append(r2)
    print(f"fold {k + 1}: val R2 {r2:.4f}  val MAE {mae:.2f}")

print(f"mean R2 across folds {np.mean(scores):.4f} (std {np.std(scores):.4f})")
