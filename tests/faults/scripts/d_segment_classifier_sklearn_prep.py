# Customer segment classifier: sklearn preprocessing pipeline + small torch MLP head.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.feature_selection import VarianceThreshold
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import accuracy_score, f1_score

torch.set_num_threads(1)
torch.manual_seed(123)
np.random.seed(123)

N_CLASSES = 8
X, y = make_classification(n_samples=4000, n_features=20, n_informative=12, n_redundant=3,
                           n_classes=N_CLASSES, n_clusters_per_class=3, class_sep=1.5,
                           random_state=123)

splits = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=123).split(X, y))
tr, va = splits[2]

prep = Pipeline([("var", VarianceThreshold(0.0)), ("scale", StandardScaler())])
X_tr = torch.tensor(prep.fit_transform(X[tr]), dtype=torch.float32)
X_va = torch.tensor(prep.transform(X[va]), dtype=torch.float32)
y_tr, y_va = torch.tensor(y[tr]), y[va]

HIDDEN = 3
model = nn.Sequential(
    nn.Linear(X_tr.shape[1], HIDDEN),
    nn.ReLU(),
    nn.Linear(HIDDEN, N_CLASSES),
)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.5)
loss_fn = nn.CrossEntropyLoss()

BATCH = 64
for epoch in range(1, 46):
    model.train()
    perm = torch.randperm(len(X_tr))
    total = 0.0
    for k in range(0, len(perm), BATCH):
        ids = perm[k:k + BATCH]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X_tr[ids]), y_tr[ids])
        loss.backward()
        opt.step()
        total += loss.item() * len(ids)
    sched.step()
    if epoch % 5 == 0:
        model.eval()
        with torch.no_grad():
            tr_acc = accuracy_score(y_tr.numpy(), model(X_tr).argmax(1).numpy())
            va_acc = accuracy_score(y_va, model(X_va).argmax(1).numpy())
        print(f"epoch {epoch:2d} loss {total / len(X_tr):.4f} train_acc {tr_acc:.4f} val_acc {va_acc:.4f}")

model.eval()
with torch.no_grad():
    pred = model(X_va).argmax(1).numpy()
print(f"[fold 2] accuracy={accuracy_score(y_va, pred):.4f} f1_macro={f1_score(y_va, pred, average='macro'):.4f}")
