"""Wine cultivar classifier: nn.Sequential + compile()/fit()/evaluate() helpers."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine

SEED = 7
torch.manual_seed(SEED)
torch.set_num_threads(1)
np.random.seed(SEED)

data = load_wine()
X, y = data.data.astype(np.float32), data.target.astype(np.int64)
order = np.random.permutation(len(X))
X, y = X[order], y[order]
cut = int(0.75 * len(X))
X_train, X_val, y_train, y_val = X[:cut], X[cut:], y[:cut], y[cut:]
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_val = (X_train - mean) / std, (X_val - mean) / std


def make_loader(x, t, batch_size, shuffle):
    ds = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(t))
    return torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


train_loader = make_loader(X_train, y_train, 16, True)
val_loader = make_loader(X_val, y_val, 64, False)

model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3))


class Compiled:
    def __init__(self, model, optimizer="sgd", loss="categorical_crossentropy", lr=0.05, momentum=0.9):
        self.model = model
        if optimizer == "sgd":
            self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        else:
            self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        self.loss = nn.CrossEntropyLoss()


def evaluate(compiled, loader):
    compiled.model.eval()
    loss_sum, hits, total = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = compiled.model(xb)
            loss_sum += compiled.loss(logits, yb).item() * len(yb)
            hits += (logits.argmax(-1) == yb).sum().item()
            total += len(yb)
    return loss_sum / total, hits / total


def fit(compiled, train_loader, val_loader, epochs, callbacks=()):
    history = {"loss": [], "acc": [], "val_loss": [], "val_acc": []}
    opt = compiled.optimizer
    for epoch in range(1, epochs + 1):
        compiled.model.train()
        loss_sum, hits, total = 0.0, 0, 0
        for xb, yb in train_loader:
            opt.zero_grad()
            logits = compiled.model(xb)
            loss = compiled.loss(logits, yb)
            loss.backward()
            loss_sum += loss.item() * len(yb)
            hits += (logits.argmax(-1) == yb).sum().item()
            total += len(yb)
        opt.step()
        val_loss, val_acc = evaluate(compiled, val_loader)
        for key, val in zip(history, (loss_sum / total, hits / total, val_loss, val_acc)):
            history[key].append(val)
        for cb in callbacks:
            cb(epoch, history)
    return history


def log_every(n):
    def cb(epoch, history):
        if epoch % n == 0:
            print(f"[{epoch:02d}] loss={history['loss'][-1]:.4f} acc={history['acc'][-1]:.3f} "
                  f"val_loss={history['val_loss'][-1]:.4f} val_acc={history['val_acc'][-1]:.3f}")
    return cb


compiled = Compiled(model, optimizer="sgd", lr=0.01, momentum=0.9)
history = fit(compiled, train_loader, val_loader, epochs=30, callbacks=[log_every(3)])
loss, acc = evaluate(compiled, val_loader)
print(f"evaluate -> val_loss {loss:.4f}  val_accuracy {acc:.3f}")
