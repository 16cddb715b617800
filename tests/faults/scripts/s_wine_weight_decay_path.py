"""Regularisation path for a small wine-cultivar network: pick weight decay on a validation split,
then report the held-out test score for the chosen value."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = load_wine(return_X_y=True)
X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=2)
X_tr, X_va, y_tr, y_va = train_test_split(X_dev, y_dev, test_size=0.25, stratify=y_dev, random_state=2)


class SoftmaxNet:
    def __init__(self, weight_decay, hidden=32, epochs=40, micro_batch=8, accum=4, lr=3e-3, seed=0):
        self.weight_decay, self.hidden, self.epochs = weight_decay, hidden, epochs
        self.micro_batch, self.accum, self.lr, self.seed = micro_batch, accum, lr, seed

    def fit(self, X, y):
        torch.manual_seed(self.seed)
        self.scaler = StandardScaler().fit(X)
        xt = torch.tensor(self.scaler.transform(X), dtype=torch.float32)
        yt = torch.tensor(y)
        self.net = nn.Sequential(nn.Linear(X.shape[1], self.hidden), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(self.hidden, 3))
        opt = torch.optim.AdamW(self.net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        ce = nn.CrossEntropyLoss()
        for ep in range(self.epochs):
            self.net.train()
            perm = torch.randperm(len(xt))
            chunks = list(torch.split(perm, self.micro_batch))
            opt.zero_grad()
            ep_loss = 0.0
            for k, idx in enumerate(chunks):
                loss = ce(self.net(xt[idx]), yt[idx])
                (loss / self.accum).backward()
                ep_loss += loss.item() * len(idx)
                if (k + 1) % self.accum == 0 or k + 1 == len(chunks):
                    opt.step()
                    opt.zero_grad()
            self.last_loss = ep_loss / len(xt)
        return self

    def predict_proba(self, X):
        self.net.eval()
        with torch.no_grad():
            return torch.softmax(self.net(torch.tensor(self.scaler.transform(X), dtype=torch.float32)), 1).numpy()

    def score(self, X, y):
        return accuracy_score(y, self.predict_proba(X).argmax(1))


print(f"rows: train {len(X_tr)}  val {len(X_va)}  test {len(X_test)}")
path = []
for wd in [1e-4, 1e-3, 1e-2, 1e-1]:
    m = SoftmaxNet(weight_decay=wd).fit(X_tr, y_tr)
    p = m.predict_proba(X_va)
    path.append((log_loss(y_va, p, labels=[0, 1, 2]), wd))
    w_norm = sum(q.norm() ** 2 for q in m.net.parameters()).sqrt().item()
    print(f"wd={wd:<7g} train ce {m.last_loss:.4f}  val ce {path[-1][0]:.4f}  "
          f"val acc {m.score(X_va, y_va):.3f}  |w| {w_norm:.2f}")

best_ll, best_wd = min(path)
print(f"selected weight_decay={best_wd:g} (val ce {best_ll:.4f})")
final = SoftmaxNet(weight_decay=best_wd).fit(X_dev, y_dev)
print(f"test accuracy {final.score(X_test, y_test):.3f}")
print(f"test log loss {log_loss(y_test, final.predict_proba(X_test), labels=[0, 1, 2]):.4f}")
