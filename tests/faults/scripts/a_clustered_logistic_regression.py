import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(5)
torch.set_num_threads(1)
np.random.seed(5)

X, y = make_classification(n_samples=3000, n_features=12, n_informative=8, n_redundant=0,
                           n_classes=4, n_clusters_per_class=3, class_sep=1.5, random_state=5)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=5, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

# multinomial logistic regression
clf = nn.Linear(12, 4)
optimizer = torch.optim.Adam(clf.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()

n, bs = len(X_tr), 128
for epoch in range(25):
    perm = torch.randperm(n)
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = loss_fn(clf(X_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        tr_out, va_out = clf(X_tr), clf(X_va)
        tr_loss = loss_fn(tr_out, y_tr).item()
        tr_acc = (tr_out.argmax(1) == y_tr).float().mean().item()
        va_acc = (va_out.argmax(1) == y_va).float().mean().item()
    if epoch % 5 == 0 or epoch == 24:
        print(f"epoch {epoch:2d} train loss {tr_loss:.4f} train acc {tr_acc:.3f} val acc {va_acc:.3f}")

print(f"train acc {tr_acc:.3f} | val acc {va_acc:.3f}")
