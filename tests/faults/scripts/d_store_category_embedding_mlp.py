# Tabular NN with an embedding for the 'store_type' categorical column.
# Manual preprocessing: numeric -> standard scaling (fit on train fold), categorical -> index.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import KFold
from sklearn.metrics import roc_auc_score, accuracy_score

torch.set_num_threads(1)
rng = np.random.RandomState(7)
torch.manual_seed(7)

CFG = dict(n_cat=12, emb_dim=6, hidden=64, lr=2e-3, epochs=30, bs=64, fold=0)

X_num, y_base = make_classification(n_samples=3000, n_features=16, n_informative=8,
                                    n_redundant=2, class_sep=1.5, random_state=7)
store_type = rng.randint(0, CFG["n_cat"], size=len(X_num))
flip_store = np.isin(store_type, [1, 4, 5, 8, 10])
y = np.where(flip_store, 1 - y_base, y_base).astype(np.float32)

folds = list(KFold(n_splits=5, shuffle=True, random_state=7).split(X_num))
tr, va = folds[CFG["fold"]]

num_mean = X_num[tr].mean(axis=0)
num_std = X_num[tr].std(axis=0) + 1e-8


def transform(idx):
    xn = ((X_num[idx] - num_mean) / num_std).astype(np.float32)
    return torch.tensor(xn), torch.tensor(store_type[idx]).long(), torch.tensor(y[idx])


xn_tr, xc_tr, y_tr = transform(tr)
xn_va, xc_va, y_va = transform(va)


class TabNet(nn.Module):
    def __init__(self, n_num, n_cat, emb_dim, hidden):
        super().__init__()
        self.emb = nn.Embedding(n_cat, emb_dim)
        self.body = nn.Sequential(
            nn.Linear(n_num + emb_dim, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, 1)

    def forward(self, xn, xc):
        h = torch.cat([xn, self.emb(xc)], dim=1)
        return self.head(self.body(h)).squeeze(1)


model = TabNet(xn_tr.shape[1], CFG["n_cat"], CFG["emb_dim"], CFG["hidden"])
param_groups = [
    {"params": model.emb.parameters(), "lr": CFG["lr"]},
    {"params": model.body.parameters(), "lr": CFG["lr"] * 1e-3},
    {"params": model.head.parameters(), "lr": CFG["lr"]},
]
optimizer = torch.optim.Adam(param_groups)
loss_fn = nn.BCEWithLogitsLoss()

n_tr = len(y_tr)
for epoch in range(1, CFG["epochs"] + 1):
    model.train()
    order = torch.randperm(n_tr)
    running = 0.0
    for s in range(0, n_tr, CFG["bs"]):
        b = order[s:s + CFG["bs"]]
        optimizer.zero_grad()
        out = model(xn_tr[b], xc_tr[b])
        loss = loss_fn(out, y_tr[b])
        loss.backward()
        optimizer.step()
        running += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        p_va = torch.sigmoid(model(xn_va, xc_va)).numpy()
    if epoch % 3 == 0 or epoch == 1:
        print(f"[{epoch:02d}] train_logloss={running / n_tr:.4f} valid_auc={roc_auc_score(y_va.numpy(), p_va):.4f}")

model.eval()
with torch.no_grad():
    p_va = torch.sigmoid(model(xn_va, xc_va)).numpy()
print(f"FOLD {CFG['fold']} AUC: {roc_auc_score(y_va.numpy(), p_va):.4f} ACC: {accuracy_score(y_va.numpy(), p_va > 0.5):.4f}")
