import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score, f1_score

torch.manual_seed(1)
np.random.seed(1)

X, y = make_classification(n_samples=2400, n_features=10, n_informative=6,
                           class_sep=1.0, random_state=1)
rng = np.random.RandomState(1)
branch = rng.randint(0, 12, size=len(y))
X_tr, X_va, y_tr, y_va, b_tr, b_va = train_test_split(X, y, branch, test_size=0.25,
                                                      random_state=1, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr, X_va = sc.transform(X_tr), sc.transform(X_va)


def to_tensors(x, b, t):
    return ({"features": torch.tensor(x, dtype=torch.float32),
             "branch_id": torch.tensor(b, dtype=torch.long)},
            torch.tensor(t, dtype=torch.float32))


train_inputs, train_y = to_tensors(X_tr, b_tr, y_tr)
val_inputs, val_y = to_tensors(X_va, b_va, y_va)


class DeepTower(nn.Module):
    def __init__(self, n_feat=10, n_branch=12, width=48, depth=10):
        super().__init__()
        self.branch = nn.Embedding(n_branch, 6)
        layers = [nn.Linear(n_feat + 6, width), nn.Sigmoid()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.Sigmoid()]
        self.tower = nn.Sequential(*layers)
        self.head = nn.Linear(width, 1)

    def forward(self, features, branch_id):
        h = torch.cat([features, self.branch(branch_id)], dim=-1)
        return self.head(self.tower(h)).squeeze(-1)


model = DeepTower()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()

BATCH = 64
n = len(train_y)
for epoch in range(20):
    model.train()
    order = torch.randperm(n)
    running = 0.0
    for s in range(0, n, BATCH):
        ix = order[s:s + BATCH]
        optimizer.zero_grad()
        logits = model(**{k: v[ix] for k, v in train_inputs.items()})
        loss = criterion(logits, train_y[ix])
        loss.backward()
        optimizer.step()
        running += loss.item() * len(ix)
    model.eval()
    with torch.no_grad():
        prob = torch.sigmoid(model(**val_inputs)).numpy()
    print(f"[{epoch+1:02d}] loss={running/n:.4f} val_auc={roc_auc_score(y_va, prob):.3f}")

with torch.no_grad():
    prob = torch.sigmoid(model(**val_inputs)).numpy()
print("val f1:", round(f1_score(y_va, prob > 0.5), 3), "val auc:", round(roc_auc_score(y_va, prob), 3))
