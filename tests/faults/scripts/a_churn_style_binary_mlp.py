import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

# synthetic customer table: ~6% of customers churn
X, y = make_classification(n_samples=4000, n_features=20, n_informative=4, n_redundant=2,
                           weights=[0.94, 0.06], class_sep=0.6, flip_y=0.01, random_state=11)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=11, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

train_loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                          batch_size=64, shuffle=True)
Xv = torch.tensor(X_val, dtype=torch.float32)
yv = torch.tensor(y_val)

model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(15):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
    model.eval()
    with torch.no_grad():
        acc = (model(Xv).argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch:2d} loss {total / len(train_loader.dataset):.4f} val accuracy {acc:.4f}")

print(f"final validation accuracy: {acc:.4f}")
