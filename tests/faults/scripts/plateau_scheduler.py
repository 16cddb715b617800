"""Diabetes regressor with ReduceLROnPlateau on the validation loss."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(51)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=51)
x_scaler, y_scaler = StandardScaler().fit(X_train), StandardScaler().fit(y_train[:, None])
X_train = torch.tensor(x_scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(x_scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_scaler.transform(y_train[:, None]), dtype=torch.float32)
y_val = torch.tensor(y_scaler.transform(y_val[:, None]), dtype=torch.float32)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=3)
loss_fn = nn.MSELoss()
for epoch in range(40):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        pred = model(X_val)
        val_loss = loss_fn(pred, y_val).item()
    scheduler.step(val_loss)
    if epoch % 5 == 4:
        r2 = 1 - ((pred - y_val) ** 2).sum().item() / ((y_val - y_val.mean()) ** 2).sum().item()
        print(f"epoch {epoch + 1}: lr {optimizer.param_groups[0]['lr']:.5f} val mse {val_loss:.4f} val r2 {r2:.3f}")
