import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score, average_precision_score, confusion_matrix

torch.manual_seed(0)
np.random.seed(0)

data = load_breast_cancer()
X, y = data.data, 1 - data.target  # 1 = malignant

# keep only a fraction of malignant cases to mimic a screening population
rng = np.random.default_rng(0)
mal = np.where(y == 1)[0]
ben = np.where(y == 0)[0]
keep = np.concatenate([ben, rng.choice(mal, size=60, replace=False)])
X, y = X[keep], y[keep]
print("rows:", len(y), "malignant share: %.3f" % y.mean())

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)

# skewed positive features -> log1p then z-score
scaler = StandardScaler()
X_train = scaler.fit_transform(np.log1p(X_train))
X_val = scaler.transform(X_val)

Xtr = torch.tensor(X_train, dtype=torch.float32)
ytr = torch.tensor(y_train, dtype=torch.float32)
Xva = torch.tensor(X_val, dtype=torch.float32)

class_counts = np.bincount(y_train)
sample_w = 1.0 / class_counts[y_train]
sampler = WeightedRandomSampler(torch.tensor(sample_w, dtype=torch.double), num_samples=len(y_train), replacement=True)
loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=32, sampler=sampler)

net = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
criterion = nn.BCEWithLogitsLoss()

for epoch in range(1, 41):
    net.train()
    running, n = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(net(xb).squeeze(-1), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * xb.size(0)
        n += xb.size(0)
    if epoch % 5 == 0:
        net.eval()
        with torch.no_grad():
            p = torch.sigmoid(net(Xva).squeeze(-1)).numpy()
        print(f"[{epoch:02d}] loss={running / n:.4f} val_bal_acc={balanced_accuracy_score(y_val, p > 0.5):.3f} "
              f"val_ap={average_precision_score(y_val, p):.3f}")

net.eval()
with torch.no_grad():
    p = torch.sigmoid(net(Xva).squeeze(-1)).numpy()
ths = np.linspace(0.1, 0.9, 17)
scores = [balanced_accuracy_score(y_val, p > t) for t in ths]
t_best = ths[int(np.argmax(scores))]
print(f"threshold={t_best:.2f} balanced_acc={max(scores):.3f} PR-AUC={average_precision_score(y_val, p):.3f}")
print(confusion_matrix(y_val, p > t_best))
