import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
torch.set_num_threads(1)
np.random.seed(3)

X, y = make_classification(n_samples=1000, n_features=60, n_informative=6, n_redundant=4,
                           flip_y=0.08, class_sep=0.8, random_state=3)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=150, random_state=3, stratify=y)

scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

model = nn.Sequential(
    nn.Linear(60, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 2),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()


def evaluate(X, y):
    model.eval()
    with torch.no_grad():
        out = model(X)
        return criterion(out, y).item(), (out.argmax(1) == y).float().mean().item()


bs = 32
for epoch in range(80):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(X_train), bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 8 == 0 or epoch == 79:
        tr_loss, tr_acc = evaluate(X_train, y_train)
        va_loss, va_acc = evaluate(X_val, y_val)
        print(f"epoch {epoch:3d} train loss {tr_loss:.4f} acc {tr_acc:.3f} | val loss {va_loss:.4f} acc {va_acc:.3f}")

print(f"final: train acc {tr_acc:.3f}, val acc {va_acc:.3f}")
