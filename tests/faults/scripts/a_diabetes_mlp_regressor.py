import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)

x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = x_scaler.transform(X_train)
X_val = x_scaler.transform(X_val)
y_train_s = (y_train - y_mean) / y_std

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                         torch.tensor(y_train_s, dtype=torch.float32).unsqueeze(1))
loader = DataLoader(train_ds, batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.002, momentum=0.9)
mse = nn.MSELoss()

num_epochs = 3
for epoch in range(num_epochs):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = mse(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    print(f"epoch {epoch + 1}/{num_epochs} train mse (scaled) {running / len(train_ds):.4f}")

model.eval()
with torch.no_grad():
    pred = model(torch.tensor(X_val, dtype=torch.float32)).squeeze(1).numpy() * y_std + y_mean
print(f"validation R^2: {r2_score(y_val, pred):.3f}")
