"""Imbalanced binary classification with focal loss; reports balanced accuracy, PR-AUC, Brier."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score, balanced_accuracy_score, brier_score_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
np.random.seed(3)


def focal_loss(logits, targets, alpha=0.75, gamma=2.0):
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    a_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (a_t * (1 - p_t) ** gamma * bce).mean()


X, y = make_classification(n_samples=4000, n_features=20, n_informative=12, n_redundant=4,
                           n_clusters_per_class=3, weights=[0.88, 0.12], class_sep=0.9,
                           flip_y=0.01, random_state=3)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=3)
sc = StandardScaler().fit(X_tr)
Xtr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
Xva = torch.tensor(sc.transform(X_va), dtype=torch.float32)
ytr = torch.tensor(y_tr, dtype=torch.float32)
print(f"positives: train {y_tr.mean():.3f}  val {y_va.mean():.3f}")

net = nn.Sequential(
    nn.Linear(20, 128), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 1),
)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.5)
train_dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr),
                                       batch_size=64, shuffle=True)

for epoch in range(1, 31):
    net.train()
    tot, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = focal_loss(net(xb).squeeze(-1), yb)
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(xb)
        n += len(xb)
    if epoch % 4 == 0 or epoch == 1:
        net.eval()
        with torch.no_grad():
            p = torch.sigmoid(net(Xva).squeeze(-1)).numpy()
        print(f"epoch {epoch:2d}  focal {tot / n:.4f}  lr {opt.param_groups[0]['lr']:.2e}  "
              f"val bal-acc {balanced_accuracy_score(y_va, p > 0.5):.3f}")

net.eval()
with torch.no_grad():
    p = torch.sigmoid(net(Xva).squeeze(-1)).numpy()
print(f"final val balanced accuracy {balanced_accuracy_score(y_va, p > 0.5):.3f}")
print(f"final val PR-AUC {average_precision_score(y_va, p):.3f}")
print(f"final val Brier  {brier_score_loss(y_va, p):.4f}")
