"""Fraud-style binary classifier on a heavily skewed synthetic dataset.

Minority rows are oversampled by hand so the network sees a balanced stream,
then we pick the decision threshold on the validation split.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import average_precision_score, f1_score, confusion_matrix, balanced_accuracy_score

SEED = 7
np.random.seed(SEED)
torch.manual_seed(SEED)

X, y = make_classification(n_samples=2400, n_features=20, n_informative=6, n_redundant=4,
                           weights=[0.95, 0.05], class_sep=0.7, flip_y=0.04, random_state=SEED)
print(f"raw data: {X.shape}, positive rate {y.mean():.3f}")

# balance the classes by repeating minority rows
rng = np.random.default_rng(SEED)
pos_idx = np.where(y == 1)[0]
neg_idx = np.where(y == 0)[0]
extra = rng.choice(pos_idx, size=len(neg_idx) - len(pos_idx), replace=True)
X_bal = np.concatenate([X, X[extra]])
y_bal = np.concatenate([y, y[extra]])
print(f"after oversampling: {X_bal.shape}, positive rate {y_bal.mean():.3f}")

X_tr, X_va, y_tr, y_va = train_test_split(X_bal, y_bal, test_size=0.25, stratify=y_bal, random_state=SEED)

mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd

Xt = torch.tensor(X_tr, dtype=torch.float32)
yt = torch.tensor(y_tr, dtype=torch.float32)
Xv = torch.tensor(X_va, dtype=torch.float32)
yv = torch.tensor(y_va, dtype=torch.float32)

model = nn.Sequential(
    nn.Linear(20, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.BCEWithLogitsLoss()

loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xt, yt), batch_size=256, shuffle=True)

for epoch in range(30):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        v_logits = model(Xv).squeeze(1)
        v_loss = loss_fn(v_logits, yv).item()
        v_prob = torch.sigmoid(v_logits).numpy()
    if epoch % 5 == 0 or epoch == 29:
        ap = average_precision_score(y_va, v_prob)
        print(f"epoch {epoch:2d}  train loss {total / len(Xt):.4f}  val loss {v_loss:.4f}  val PR-AUC {ap:.4f}")

# threshold tuning on validation
best_t, best_f1 = 0.5, -1.0
for t in np.linspace(0.05, 0.95, 19):
    f = f1_score(y_va, (v_prob >= t).astype(int))
    if f > best_f1:
        best_t, best_f1 = t, f
pred = (v_prob >= best_t).astype(int)
print(f"best threshold {best_t:.2f}  val F1 {best_f1:.4f}  balanced acc {balanced_accuracy_score(y_va, pred):.4f}")
print("confusion matrix:\n", confusion_matrix(y_va, pred))
