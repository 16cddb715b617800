"""Learn to rank diabetes patients by disease progression with MarginRankingLoss.

Pairs are formed inside each mini-batch; the validation metric is the concordance
between predicted scores and the true progression measure.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
np.random.seed(3)

X, y = load_diabetes(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=3)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
print(f"train {X_tr.shape}, val {X_va.shape}")

train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr, dtype=torch.float32))
loader = DataLoader(train_ds, batch_size=30, shuffle=True)
Xv = torch.tensor(X_va, dtype=torch.float32)

ranker = nn.Sequential(
    nn.Linear(10, 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
    nn.Linear(32, 1),
)
criterion = nn.MarginRankingLoss(margin=0.1)
optimizer = torch.optim.SGD(ranker.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.5)


def concordance(scores, target):
    s, t = np.asarray(scores), np.asarray(target)
    pairs = t[:, None] > t[None, :]
    return ((s[:, None] > s[None, :]) & pairs).sum() / pairs.sum()


for epoch in range(40):
    ranker.train()
    epoch_loss, n_batches = 0.0, 0
    for xb, yb in loader:
        partner = torch.randperm(len(xb))
        sign = torch.sign(yb - yb[partner])
        keep = sign != 0
        optimizer.zero_grad()
        scores = ranker(xb).squeeze(1)
        loss = criterion(scores[keep], scores[partner][keep], sign[keep])
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        n_batches += 1
    scheduler.step()
    if epoch % 5 == 4:
        ranker.eval()
        with torch.no_grad():
            c = concordance(ranker(Xv).squeeze(1).numpy(), y_va)
        print(f"epoch {epoch + 1:3d}  margin loss {epoch_loss / n_batches:.4f}  val concordance {c:.3f}")

ranker.eval()
with torch.no_grad():
    print("final val concordance:", round(concordance(ranker(Xv).squeeze(1).numpy(), y_va), 4))
