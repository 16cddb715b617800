"""Breast-cancer diagnosis: tanh MLP classifier with an sklearn-like API and Brier score."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class TanhNetClassifier:
    def __init__(self, hidden=(64, 64), lr=1e-3, epochs=40, batch_size=32, seed=0):
        self.hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.seed = seed

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=1.5)
            nn.init.zeros_(module.bias)

    def _build(self, d):
        layers, prev = [], d
        for h in self.hidden:
            layers += [nn.Linear(prev, h), nn.Tanh()]
            prev = h
        layers.append(nn.Linear(prev, 1))
        net = nn.Sequential(*layers)
        net.apply(self._init_weights)
        return net

    def fit(self, X, y):
        torch.manual_seed(self.seed)
        self.scaler_ = StandardScaler().fit(X)
        Xt = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
        yt = torch.tensor(y, dtype=torch.float32)
        self.net_ = self._build(X.shape[1])
        pos_weight = torch.tensor((len(y) - y.sum()) / y.sum(), dtype=torch.float32)
        loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr)
        for epoch in range(self.epochs):
            self.net_.train()
            perm = torch.randperm(len(Xt))
            tot = 0.0
            for i in range(0, len(Xt), self.batch_size):
                idx = perm[i:i + self.batch_size]
                opt.zero_grad()
                loss = loss_fn(self.net_(Xt[idx]).squeeze(1), yt[idx])
                loss.backward()
                opt.step()
                tot += loss.item() * len(idx)
            if (epoch + 1) % 5 == 0:
                print(f"epoch {epoch + 1:3d}  bce {tot / len(Xt):.4f}")
        return self

    def predict_proba(self, X):
        self.net_.eval()
        with torch.no_grad():
            Xt = torch.tensor(self.scaler_.transform(X), dtype=torch.float32)
            p = torch.sigmoid(self.net_(Xt).squeeze(1)).numpy()
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == y))


if __name__ == "__main__":
    np.random.seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    clf = TanhNetClassifier().fit(X_tr, y_tr)
    p_va = clf.predict_proba(X_va)[:, 1]
    print(f"train acc {clf.score(X_tr, y_tr):.3f}")
    print(f"val acc   {clf.score(X_va, y_va):.3f}")
    print(f"val AUC   {roc_auc_score(y_va, p_va):.3f}")
    print(f"val Brier {brier_score_loss(y_va, p_va):.4f}")
