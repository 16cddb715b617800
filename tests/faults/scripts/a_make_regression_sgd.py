import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = make_regression(n_samples=2000, n_features=15, n_informative=10, noise=10.0, random_state=4)
y = y + 0.01 * y ** 2  # mild nonlinearity
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=4)
xs = StandardScaler().fit(X_train)
ys = StandardScaler().fit(y_train.reshape(-1, 1))
X_train_t = torch.tensor(xs.transform(X_train), dtype=torch.float32)
X_val_t = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_train_t = torch.tensor(ys.transform(y_train.reshape(-1, 1)), dtype=torch.float32)

model = nn.Sequential(nn.Linear(15, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.004, momentum=0.9)
loss_fn = nn.MSELoss(reduction="sum")

bs = 64
n = len(X_train_t)
for epoch in range(30):
    model.train()
    perm = torch.randperm(n)
    running = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train_t[idx]), y_train_t[idx])
        loss.backward()
        optimizer.step()
        running += loss.item()
    model.eval()
    with torch.no_grad():
        pred = ys.inverse_transform(model(X_val_t).numpy()).ravel()
    print(f"epoch {epoch:2d} train loss {running / n:.4f} val R^2 {r2_score(y_val, pred):.4f}")

print(f"validation R^2 = {r2_score(y_val, pred):.4f}")
