"""Probability model for breast-cancer malignancy with a calibration report."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
np.random.seed(42)


class ProbMLP(nn.Module):
    def __init__(self, d, h=48, p_drop=0.25):
        super().__init__()
        self.l1 = nn.Linear(d, h)
        self.l2 = nn.Linear(h, h)
        self.out = nn.Linear(h, 2)
        self.drop = nn.Dropout(p_drop)

    def forward(self, x):
        x = self.drop(F.gelu(self.l1(x)))
        x = self.drop(F.gelu(self.l2(x)))
        return self.out(x)


class CalibratedNetClassifier:
    def __init__(self, epochs=25, batch_size=32, max_lr=3e-3, clip=1.0):
        self.epochs, self.batch_size, self.max_lr, self.clip = epochs, batch_size, max_lr, clip

    def fit(self, X, y):
        self.sc_ = StandardScaler().fit(X)
        ds = TensorDataset(torch.tensor(self.sc_.transform(X), dtype=torch.float32),
                           torch.tensor(y, dtype=torch.long))
        dl = DataLoader(ds, batch_size=self.batch_size, shuffle=True)
        counts = np.bincount(y, minlength=2)
        w = torch.tensor(len(y) / (2.0 * counts), dtype=torch.float32)
        self.model_ = ProbMLP(X.shape[1])
        opt = torch.optim.AdamW(self.model_.parameters(), lr=self.max_lr, weight_decay=1e-2)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.max_lr, epochs=self.epochs,
                                                    steps_per_epoch=len(dl))
        for ep in range(self.epochs):
            self.model_.train()
            tot = 0.0
            for xb, yb in dl:
                opt.zero_grad()
                loss = F.cross_entropy(self.model_(xb), yb, weight=w)
                loss.backward()
                nn.utils.clip_grad_norm_(self.model_.parameters(), self.clip)
                opt.step()
                sched.step()
                tot += loss.item() * len(xb)
            print(f"epoch {ep + 1:2d}  weighted CE {tot / len(ds):.4f}  lr {sched.get_last_lr()[0]:.2e}")
        return self

    def predict_proba(self, X):
        self.model_.eval()
        with torch.no_grad():
            logits = self.model_(torch.tensor(self.sc_.transform(X), dtype=torch.float32))
        return torch.softmax(logits, dim=1).numpy()

    def predict(self, X):
        return self.predict_proba(X).argmax(1)

    def score(self, X, y):
        return balanced_accuracy_score(y, self.predict(X))


def expected_calibration_error(y, p, bins=10):
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (p >= lo) & (p < hi) if hi < 1 else (p >= lo)
        if m.any():
            ece += m.mean() * abs(y[m].mean() - p[m].mean())
    return ece


X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=42)
clf = CalibratedNetClassifier().fit(X_tr, y_tr)
p = clf.predict_proba(X_va)[:, 1]
print(f"train balanced acc {clf.score(X_tr, y_tr):.3f}")
print(f"val balanced acc   {clf.score(X_va, y_va):.3f}")
print(f"val ROC AUC {roc_auc_score(y_va, p):.4f}  log loss {log_loss(y_va, p):.4f}")
print(f"val Brier {brier_score_loss(y_va, p):.4f}  ECE {expected_calibration_error(y_va, p):.4f}")
