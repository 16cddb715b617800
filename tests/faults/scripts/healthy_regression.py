"""Predict disease progression (diabetes) with a small MLP."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(2)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2)
x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = torch.tensor(x_scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(x_scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)
y_val = torch.tensor((y_val - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
loss_fn = nn.MSELoss()
for epoch in range(30):
    model.train()
    for i in range(0, len(X_train), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[i:i + 32]), y_train[i:i + 32])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    if epoch % 10 == 0:
        print(f"epoch {epoch}: val mse {val:.3f}")
