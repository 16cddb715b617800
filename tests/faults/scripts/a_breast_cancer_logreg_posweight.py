import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score, roc_auc_score

torch.manual_seed(7)
torch.set_num_threads(1)
np.random.seed(7)

data = load_breast_cancer()
# predict malignant (target 0 in sklearn) as the positive class
X, y = data.data, (data.target == 0).astype(np.float32)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_val = scaler.transform(X_val)

pos_weight = torch.tensor([(y_train == 0).sum() / (y_train == 1).sum()], dtype=torch.float32)
loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                    batch_size=32, shuffle=True)

logreg = nn.Linear(30, 1)
opt = torch.optim.SGD(logreg.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

Xv = torch.tensor(X_val, dtype=torch.float32)
for epoch in range(40):
    running = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(logreg(xb).squeeze(-1), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(yb)
    if epoch % 5 == 0 or epoch == 39:
        with torch.no_grad():
            p = torch.sigmoid(logreg(Xv).squeeze(-1)).numpy()
        acc = ((p > 0.5) == y_val).mean()
        print(f"epoch {epoch:2d} loss {running / len(loader.dataset):.4f} val acc {acc:.3f}")

with torch.no_grad():
    p = torch.sigmoid(logreg(Xv).squeeze(-1)).numpy()
print(f"val accuracy {((p > 0.5) == y_val).mean():.3f}  balanced acc {balanced_accuracy_score(y_val, p > 0.5):.3f}  "
      f"AUC {roc_auc_score(y_val, p):.3f}")
