import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = make_classification(n_samples=700, n_features=80, n_informative=8, n_redundant=6,
                           flip_y=0.05, class_sep=1.0, random_state=7)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=120, random_state=7, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_val = torch.tensor(y_val, dtype=torch.long)


class Net(nn.Module):
    def __init__(self, d_in, hidden=256, p=0.5):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(p),
        )
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.out(self.body(x))


model = Net(80)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

batch_size = 32
n = len(X_train)
model.train()
for epoch in range(60):
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, batch_size):
        idx = perm[i:i + batch_size]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)

    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = criterion(logits, y_val).item()
        val_acc = (logits.argmax(1) == y_val).float().mean().item()
    if epoch % 6 == 0 or epoch == 59:
        print(f"epoch {epoch:2d} train loss {total / n:.4f} val loss {val_loss:.4f} val acc {val_acc:.3f}")

print(f"final val acc {val_acc:.3f}")
