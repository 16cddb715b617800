# Breast cancer diagnosis: quantile-scaled inputs, BatchNorm residual MLP, mixup, OneCycleLR.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import QuantileTransformer
from sklearn.metrics import roc_auc_score

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=1)
qt = QuantileTransformer(n_quantiles=100, output_distribution="normal", random_state=1).fit(X_tr)
X_tr, X_va = qt.transform(X_tr).astype(np.float32), qt.transform(X_va).astype(np.float32)

loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr).float()),
                    batch_size=32, shuffle=True, drop_last=True)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.body = nn.Sequential(nn.BatchNorm1d(d), nn.ReLU(), nn.Linear(d, d),
                                  nn.BatchNorm1d(d), nn.ReLU(), nn.Dropout(0.2), nn.Linear(d, d))

    def forward(self, x):
        return x + self.body(x)


net = nn.Sequential(nn.Linear(30, 64), Block(64), Block(64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 1))
EPOCHS = 30
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=EPOCHS, steps_per_epoch=len(loader))
bce = nn.BCEWithLogitsLoss()
Xv = torch.from_numpy(X_va)

for ep in range(EPOCHS):
    net.train()
    s = 0.0
    for xb, yb in loader:
        lam = np.random.beta(0.4, 0.4)
        j = torch.randperm(len(xb))
        opt.zero_grad()
        logit = net(lam * xb + (1 - lam) * xb[j]).squeeze(1)
        loss = lam * bce(logit, yb) + (1 - lam) * bce(logit, yb[j])
        loss.backward()
        opt.step()
        sched.step()
        s += loss.item()
    net.eval()
    with torch.no_grad():
        p = torch.sigmoid(net(Xv).squeeze(1)).numpy()
    acc = ((p > 0.5) == y_va).mean()
    print(f"ep {ep + 1:02d} loss {s / len(loader):.4f} val_acc {acc:.3f} val_auc {roc_auc_score(y_va, p):.4f}")

print(f"final: val accuracy {acc:.3f}, AUC {roc_auc_score(y_va, p):.4f}")
