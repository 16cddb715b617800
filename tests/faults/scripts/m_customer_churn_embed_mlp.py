import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score, roc_auc_score

torch.manual_seed(0)
np.random.seed(0)

# --- synthetic churn table: 6 numeric columns + region id + plan id
X, y = make_classification(n_samples=3000, n_features=6, n_informative=5, n_redundant=1,
                           class_sep=0.9, random_state=0)
rng = np.random.RandomState(0)
region = rng.randint(0, 8, size=len(y))
plan = rng.randint(0, 5, size=len(y))
scales = np.array([1200.0, 35.0, 4.0, 250.0, 0.5, 80.0])
offsets = np.array([5000.0, 40.0, 10.0, 900.0, 1.0, 300.0])
X = X * scales + offsets

idx = np.arange(len(y))
tr_idx, va_idx = train_test_split(idx, test_size=0.25, random_state=0, stratify=y)


class ColumnScaler:
    def fit(self, a):
        self.mean_ = a.mean(axis=0)
        self.std_ = a.std(axis=0) + 1e-8
        return self

    def transform(self, a):
        return (a - self.mean_) / self.std_


num_tr_raw, num_va_raw = X[tr_idx], X[va_idx]
scaler = ColumnScaler().fit(num_tr_raw)
num_tr = scaler.transform(num_tr_raw)
num_va = num_va_raw / scaler.std_


def make_batch(rows, num):
    return {
        "numeric": torch.tensor(num, dtype=torch.float32),
        "region": torch.tensor(region[rows], dtype=torch.long),
        "plan": torch.tensor(plan[rows], dtype=torch.long),
    }


train_data = make_batch(tr_idx, num_tr)
val_data = make_batch(va_idx, num_va)
y_tr = torch.tensor(y[tr_idx], dtype=torch.float32)
y_va = y[va_idx]


class ChurnNet(nn.Module):
    def __init__(self, n_num=6, n_region=8, n_plan=5):
        super().__init__()
        self.region_emb = nn.Embedding(n_region, 4)
        self.plan_emb = nn.Embedding(n_plan, 3)
        self.body = nn.Sequential(
            nn.Linear(n_num + 7, 64), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(64, 32), nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, numeric, region, plan):
        h = torch.cat([numeric, self.region_emb(region), self.plan_emb(plan)], dim=1)
        return self.body(h).squeeze(1)


model = ChurnNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.BCEWithLogitsLoss()
batch_size = 64
n_tr = len(y_tr)

for epoch in range(12):
    model.train()
    perm = torch.randperm(n_tr)
    total = 0.0
    for i in range(0, n_tr, batch_size):
        b = perm[i:i + batch_size]
        batch = {k: v[b] for k, v in train_data.items()}
        opt.zero_grad()
        loss = loss_fn(model(**batch), y_tr[b])
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(**val_data)).numpy()
    acc = ((p > 0.5) == y_va).mean()
    print(f"epoch {epoch+1:2d}  train_loss {total/n_tr:.4f}  val_acc {acc:.3f}")

model.eval()
with torch.no_grad():
    p = torch.sigmoid(model(**val_data)).numpy()
print(f"final val f1 {f1_score(y_va, (p > 0.5).astype(int)):.3f}  auc {roc_auc_score(y_va, p):.3f}")
