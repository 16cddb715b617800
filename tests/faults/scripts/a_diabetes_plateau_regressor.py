import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=10)
xsc = StandardScaler().fit(X_train)
y_mu, y_sd = y_train.mean(), y_train.std()

Xt = torch.tensor(xsc.transform(X_train), dtype=torch.float32)
Xv = torch.tensor(xsc.transform(X_val), dtype=torch.float32)
yt = torch.tensor((y_train - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)
yv = torch.tensor((y_val - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-3)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=5)
criterion = nn.MSELoss()

batch = 32
n = len(Xt)
for epoch in range(40):
    model.train()
    perm = torch.randperm(n)
    tr_loss = 0.0
    for start in range(0, n, batch):
        idx = perm[start:start + batch]
        optimizer.zero_grad()
        loss = criterion(model(Xt[idx]), yt[idx])
        loss.backward()
        optimizer.step()
        tr_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(Xv), yv).item()
    scheduler.step(val_loss)
    if epoch % 5 == 0 or epoch == 39:
        print(f"epoch {epoch:2d} train mse {tr_loss / n:.4f} val mse {val_loss:.4f} lr {optimizer.param_groups[0]['lr']:.5f}")

model.eval()
with torch.no_grad():
    pred = model(Xv).squeeze(1).numpy() * y_sd + y_mu
print(f"validation R^2 {r2_score(y_val, pred):.3f}")
