"""Deep MLP baseline for a synthetic multi-class tabular competition (fold 0 of 5)."""
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import accuracy_score, f1_score

SEED = 2024
N_FOLDS = 5
FOLD = 0
EPOCHS = 15
BS = 128
LR = 1e-3
WIDTH = 128
DEPTH = 14

np.random.seed(SEED)
torch.manual_seed(SEED)

X, y = make_classification(n_samples=4000, n_features=30, n_informative=18,
                           n_redundant=6, n_classes=4, n_clusters_per_class=2,
                           class_sep=1.2, random_state=SEED)
X = X.astype(np.float32)

skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
tr_idx, va_idx = list(skf.split(X, y))[FOLD]
X_tr, X_va, y_tr, y_va = X[tr_idx], X[va_idx], y[tr_idx], y[va_idx]

mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd


class DeepMLP(nn.Module):
    def __init__(self, d_in, n_cls, width=WIDTH, depth=DEPTH):
        super().__init__()
        layers = [nn.Linear(d_in, width), nn.Tanh()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_cls)
        self.body.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.45)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.head(self.body(x))


model = DeepMLP(X.shape[1], 4)
opt = torch.optim.Adam(model.parameters(), lr=LR)
crit = nn.CrossEntropyLoss()

Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()
Xv = torch.from_numpy(X_va)

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xt))
    tot, n = 0.0, 0
    for i in range(0, len(Xt), BS):
        idx = perm[i:i + BS]
        opt.zero_grad()
        loss = crit(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)
        n += len(idx)
    model.eval()
    with torch.no_grad():
        pred = model(Xv).argmax(1).numpy()
    print(f"epoch {epoch + 1:02d} | train loss {tot / n:.4f} | val acc {accuracy_score(y_va, pred):.4f}")

model.eval()
with torch.no_grad():
    pred = model(Xv).argmax(1).numpy()
print(f"fold {FOLD} val acc {accuracy_score(y_va, pred):.4f}  macro-F1 {f1_score(y_va, pred, average='macro'):.4f}")
