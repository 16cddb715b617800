"""make_regression regressor trained with AdamW and decoupled weight decay."""

import torch
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

X, y = make_regression(n_samples=2000, n_features=10, n_informative=8, noise=5.0, random_state=96)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=96)
xs, ys = StandardScaler().fit(X_train), StandardScaler().fit(y_train[:, None])
loader = DataLoader(TensorDataset(torch.tensor(xs.transform(X_train), dtype=torch.float32),
                                  torch.tensor(ys.transform(y_train[:, None]), dtype=torch.float32)),
                    batch_size=64, shuffle=True)
X_val = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_val = torch.tensor(ys.transform(y_val[:, None]), dtype=torch.float32)

torch.manual_seed(96)
model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=20.0)
loss_fn = nn.MSELoss()
for epoch in range(8):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
        norm = torch.cat([p.flatten() for p in model.parameters()]).norm().item()
    print(f"epoch {epoch}: train mse {loss.item():.4f} val mse {val:.4f} val r2 {1 - val:.3f} weight norm {norm:.3f}")
