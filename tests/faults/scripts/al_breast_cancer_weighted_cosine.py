"""Breast-cancer classifier: class weights, AdamW, cosine schedule per epoch, grad clipping."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer

torch.manual_seed(2)
torch.set_num_threads(1)
np.random.seed(2)

X, y = load_breast_cancer(return_X_y=True)
X = X.astype(np.float32)
y = y.astype(np.int64)

# validation_split=0.2 by hand
perm = np.random.permutation(len(X))
n_val = int(0.2 * len(X))
val_idx, tr_idx = perm[:n_val], perm[n_val:]
x_train, y_train = X[tr_idx], y[tr_idx]
x_val, y_val = X[val_idx], y[val_idx]
mu, sd = x_train.mean(0), x_train.std(0) + 1e-6
x_train = (x_train - mu) / sd
x_val = (x_val - mu) / sd

train_ds = torch.utils.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
val_ds = torch.utils.data.TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
train_loader = torch.utils.data.DataLoader(train_ds, batch_size=64, shuffle=True)
val_loader = torch.utils.data.DataLoader(val_ds, batch_size=256)

model = nn.Sequential(
    nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(64, 32), nn.ReLU(),
    nn.Linear(32, 2),
)

config = {"optimizer": "adamw", "lr": 2e-3, "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
OPTIMIZERS = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam, "sgd": torch.optim.SGD}
LOSSES = {"sparse_categorical_crossentropy": nn.CrossEntropyLoss}
optimizer = OPTIMIZERS[config["optimizer"]](model.parameters(), lr=config["lr"], weight_decay=0.01)
counts = np.bincount(y_train, minlength=2)
class_weight = torch.tensor(len(y_train) / (2.0 * counts), dtype=torch.float32)
loss_fn = LOSSES[config["loss"]](weight=class_weight)


class EarlyStopping:
    def __init__(self, monitor="val_loss", patience=5, restore_best_weights=True):
        self.monitor, self.patience, self.restore = monitor, patience, restore_best_weights
        self.best, self.wait, self.best_state = float("inf"), 0, None
        self.stop_training = False

    def on_epoch_end(self, epoch, logs, model, optimizer):
        cur = logs[self.monitor]
        if cur < self.best - 1e-4:
            self.best, self.wait = cur, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stop_training = True
                print(f"EarlyStopping: stopping at epoch {epoch + 1}")

    def on_train_end(self, model):
        if self.restore and self.best_state is not None:
            model.load_state_dict(self.best_state)


class CosineSchedule:
    def __init__(self, optimizer, epochs):
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
        self.stop_training = False

    def on_epoch_end(self, epoch, logs, model, optimizer):
        self.sched.step()

    def on_train_end(self, model):
        pass


def evaluate(model, loader):
    model.eval()
    tot_loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            tot_loss += loss_fn(out, yb).item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
            n += len(xb)
    return tot_loss / n, correct / n


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return model(torch.as_tensor(x)).argmax(1).numpy()


def fit(model, train_loader, val_loader, epochs, callbacks=()):
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": [], "lr": []}
    for epoch in range(epochs):
        model.train()
        tot, correct, n = 0.0, 0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            tot += loss.item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
            n += len(xb)
        val_loss, val_acc = evaluate(model, val_loader)
        logs = {"loss": tot / n, "accuracy": correct / n, "val_loss": val_loss,
                "val_accuracy": val_acc, "lr": optimizer.param_groups[0]["lr"]}
        for k, v in logs.items():
            history[k].append(v)
        print(f"Epoch {epoch + 1}/{epochs} - loss: {logs['loss']:.4f} - accuracy: {logs['accuracy']:.4f}"
              f" - val_loss: {val_loss:.4f} - val_accuracy: {val_acc:.4f} - lr: {logs['lr']:.2e}")
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs, model, optimizer)
        if any(cb.stop_training for cb in callbacks):
            break
    for cb in callbacks:
        cb.on_train_end(model)
    return history


history = fit(model, train_loader, val_loader, epochs=40,
              callbacks=[EarlyStopping(patience=8), CosineSchedule(optimizer, 40)])
val_loss, val_acc = evaluate(model, val_loader)
print(f"Restored best model: val_loss={val_loss:.4f} val_accuracy={val_acc:.4f}")
pred = predict(model, x_val[:10])
print("first predictions:", pred.tolist(), "truth:", y_val[:10].tolist())
from sklearn.metrics import balanced_accuracy_score
print(f"balanced accuracy: {balanced_accuracy_score(y_val, predict(model, x_val)):.4f}")
