"""Diabetes regressor: standardised targets, ReduceLROnPlateau callback on val_mse, grad clipping."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes

torch.manual_seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)

X, y = load_diabetes(return_X_y=True)
X = X.astype(np.float32)
y = y.astype(np.float32)

idx = rng.permutation(len(X))
split = int(len(X) * 0.8)
tr, va = idx[:split], idx[split:]
x_mean, x_std = X[tr].mean(0), X[tr].std(0)
y_mean, y_std = y[tr].mean(), y[tr].std()
Xtr, Xva = (X[tr] - x_mean) / x_std, (X[va] - x_mean) / x_std
ytr, yva = (y[tr] - y_mean) / y_std, (y[va] - y_mean) / y_std

train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.tensor(Xtr), torch.tensor(ytr)), batch_size=32, shuffle=True)
val_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.tensor(Xva), torch.tensor(yva)), batch_size=128)


def compile_model(model, optimizer="adam", loss="mse", lr=3e-3):
    opt = {"adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}[optimizer](model.parameters(), lr=lr, weight_decay=1e-3)
    crit = {"mse": nn.MSELoss(), "mae": nn.L1Loss()}[loss]
    return opt, crit


model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1))
optimizer, criterion = compile_model(model, "adam", "mse", lr=1e-3)


def r2(pred, target):
    return 1.0 - ((pred - target) ** 2).sum() / ((target - target.mean()) ** 2).sum()


def evaluate(model, loader):
    model.eval()
    preds, ys = [], []
    with torch.no_grad():
        for xb, yb in loader:
            preds.append(model(xb).view(-1))
            ys.append(yb)
    p, t = torch.cat(preds), torch.cat(ys)
    return {"mse": ((p - t) ** 2).mean().item(), "r2": r2(p, t).item()}


def fit(model, train_loader, val_loader, epochs, callbacks=None):
    history = {"loss": [], "val_mse": [], "val_r2": []}
    for epoch in range(epochs):
        model.train()
        running, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb).squeeze(-1), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
            optimizer.step()
            running += loss.item() * len(xb)
            seen += len(xb)
        logs = evaluate(model, val_loader)
        history["loss"].append(running / seen)
        history["val_mse"].append(logs["mse"])
        history["val_r2"].append(logs["r2"])
        for cb in callbacks or []:
            cb(epoch, history)
    return history


plateau_cb = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=3)


def lr_callback(epoch, history):
    plateau_cb.step(history["val_mse"][-1])


def printer(epoch, history):
    if epoch % 5 == 0 or epoch == 39:
        print(f"epoch {epoch:3d}  loss {history['loss'][-1]:.4f}  val_mse {history['val_mse'][-1]:.4f}"
              f"  val_r2 {history['val_r2'][-1]:.3f}")


history = fit(model, train_loader, val_loader, epochs=40, callbacks=[lr_callback, printer])
final = evaluate(model, val_loader)
print(f"final val R^2: {final['r2']:.3f}  (val MSE in original units: {final['mse'] * y_std ** 2:.1f})")
