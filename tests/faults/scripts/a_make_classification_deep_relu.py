import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = make_classification(n_samples=2000, n_features=20, n_informative=10, n_classes=3,
                           random_state=8)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=8, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

dims = [20, 128, 128, 128, 128, 128, 128, 3]
layers = []
for i in range(len(dims) - 1):
    lin = nn.Linear(dims[i], dims[i + 1])
    nn.init.normal_(lin.weight, mean=0.0, std=0.3)
    nn.init.zeros_(lin.bias)
    layers.append(lin)
    if i < len(dims) - 2:
        layers.append(nn.ReLU())
model = nn.Sequential(*layers)

optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()

bs = 64
n = len(X_tr)
for epoch in range(15):
    model.train()
    perm = torch.randperm(n)
    losses = []
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = criterion(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        acc = (model(X_va).argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch:2d} mean loss {np.mean(losses):.4f} val acc {acc:.3f}")

print("validation accuracy", round(acc, 3))
