import math
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score

torch.manual_seed(11)
np.random.seed(11)

X, y = make_classification(n_samples=3000, n_features=24, n_informative=8, n_redundant=6,
                           n_clusters_per_class=1, weights=[0.97], class_sep=1.4, random_state=11)
splitter = StratifiedShuffleSplit(n_splits=1, test_size=0.25, random_state=11)
tr, va = next(splitter.split(X, y))
mean, std = X[tr].mean(0), X[tr].std(0)
Xtr = torch.tensor((X[tr] - mean) / std, dtype=torch.float32)
Xva = torch.tensor((X[va] - mean) / std, dtype=torch.float32)
ytr = torch.tensor(y[tr], dtype=torch.float32)
yva = torch.tensor(y[va], dtype=torch.float32)
prior = ytr.mean().item()
print(f"train {len(tr)} rows, val {len(va)} rows, positive prior {prior:.4f}")


class Detector(nn.Module):
    """MLP scorer whose output bias starts at the class prior (RetinaNet-style)."""

    def __init__(self, d, prior):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU())
        self.cls = nn.Linear(64, 1)
        nn.init.normal_(self.cls.weight, std=0.01)
        nn.init.constant_(self.cls.bias, math.log((1 - prior) / prior))

    def forward(self, x):
        return self.cls(self.body(x)).squeeze(-1)


model = Detector(Xtr.shape[1], prior)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.BCEWithLogitsLoss()


def evaluate():
    model.eval()
    with torch.no_grad():
        lv = model(Xva)
        return criterion(lv, yva).item(), torch.sigmoid(lv).numpy()


v_loss, _ = evaluate()
print(f"before training: val loss {v_loss:.4f}")
for epoch in range(25):
    model.train()
    order = torch.randperm(len(Xtr))
    losses = []
    for k in range(0, len(order), 100):
        idx = order[k:k + 100]
        opt.zero_grad()
        loss = criterion(model(Xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if epoch == 0:
        print(f"first batch loss {losses[0]:.4f}")
    v_loss, p = evaluate()
    if epoch % 3 == 0 or epoch == 24:
        print(f"epoch {epoch + 1:2d}  train {np.mean(losses):.4f}  val {v_loss:.4f}  AP {average_precision_score(y[va], p):.3f}")

_, p = evaluate()
best = max(np.linspace(0.05, 0.95, 19), key=lambda t: f1_score(y[va], p > t))
print(f"val PR-AUC {average_precision_score(y[va], p):.3f}  F1@{best:.2f} {f1_score(y[va], p > best):.3f}  "
      f"balanced acc {balanced_accuracy_score(y[va], p > best):.3f}")
