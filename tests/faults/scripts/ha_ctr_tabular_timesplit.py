# click-through prediction from session features; hold out the latest sessions
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score

np.random.seed(5)
torch.manual_seed(5)

X, y = make_classification(n_samples=4000, n_features=10, n_informative=6, n_redundant=2,
                           n_clusters_per_class=3, class_sep=1.2, random_state=5)
order = np.argsort(X[:, 0])
X, y = X[order], y[order]
cut = int(0.8 * len(X))
Xtr, ytr, Xva, yva = X[:cut], y[:cut], X[cut:], y[cut:]

sc = StandardScaler().fit(Xtr)
Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(sc.transform(Xva), dtype=torch.float32)
ytr = torch.tensor(ytr, dtype=torch.float32)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
bce = nn.BCEWithLogitsLoss()

for epoch in range(25):
    model.train()
    perm = torch.randperm(len(Xtr))
    tot = 0.0
    for s in range(0, len(perm), 128):
        b = perm[s:s + 128]
        opt.zero_grad()
        loss = bce(model(Xtr[b]).squeeze(-1), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        p_tr = torch.sigmoid(model(Xtr).squeeze(-1)).numpy()
        p_va = torch.sigmoid(model(Xva).squeeze(-1)).numpy()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}  loss {tot / len(Xtr):.4f}  train acc {((p_tr > 0.5) == ytr.numpy()).mean():.3f}"
              f"  val acc {((p_va > 0.5) == yva).mean():.3f}  val auc {roc_auc_score(yva, p_va):.3f}")
