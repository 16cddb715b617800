"""Deep MLP on a synthetic 4-class problem with Keras-style kernel initializer and callbacks."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification

torch.manual_seed(3)
torch.set_num_threads(1)
np.random.seed(3)

X, y = make_classification(n_samples=2000, n_features=20, n_informative=12, n_classes=4,
                           n_clusters_per_class=1, random_state=3)
X, y = X.astype(np.float32), y.astype(np.int64)


def validation_split(x, t, fraction=0.2):
    p = np.random.permutation(len(x))
    k = int(len(x) * (1 - fraction))
    return x[p[:k]], t[p[:k]], x[p[k:]], t[p[k:]]


x_tr, y_tr, x_va, y_va = validation_split(X, y)
m, s = x_tr.mean(0), x_tr.std(0)
x_tr, x_va = (x_tr - m) / s, (x_va - m) / s

loader = lambda a, b, bs, sh: torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.tensor(a), torch.tensor(b)), batch_size=bs, shuffle=sh)
train_loader, val_loader = loader(x_tr, y_tr, 64, True), loader(x_va, y_va, 400, False)

layers, width, depth = [], 128, 8
in_dim = 20
for _ in range(depth):
    layers += [nn.Linear(in_dim, width), nn.ReLU()]
    in_dim = width
layers.append(nn.Linear(width, 4))
model = nn.Sequential(*layers)


def kernel_initializer(module, kind="random_normal", stddev=1.0):
    if isinstance(module, nn.Linear):
        if kind == "random_normal":
            nn.init.normal_(module.weight, mean=0.0, std=stddev)
        else:
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


model.apply(kernel_initializer)

optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()


class MetricLogger:
    def __init__(self):
        self.rows = []

    def on_epoch_end(self, epoch, logs):
        self.rows.append(logs)
        print(f"epoch {epoch + 1:2d} | loss {logs['loss']:.4g} | acc {logs['acc']:.3f} | "
              f"val_loss {logs['val_loss']:.4g} | val_acc {logs['val_acc']:.3f}")


def evaluate(model, loader):
    model.eval()
    n, ls, hit = 0, 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            ls += loss_fn(out, yb).item() * len(yb)
            hit += (out.argmax(1) == yb).sum().item()
            n += len(yb)
    return ls / n, hit / n


def fit(model, train_loader, val_loader, epochs, callbacks):
    history = {}
    for epoch in range(epochs):
        model.train()
        n, ls, hit = 0, 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            optimizer.step()
            ls += loss.item() * len(yb)
            hit += (out.argmax(1) == yb).sum().item()
            n += len(yb)
        vl, va = evaluate(model, val_loader)
        logs = {"loss": ls / n, "acc": hit / n, "val_loss": vl, "val_acc": va}
        for k, v in logs.items():
            history.setdefault(k, []).append(v)
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
    return history


history = fit(model, train_loader, val_loader, epochs=15, callbacks=[MetricLogger()])
print("best val_acc:", max(history["val_acc"]), " final val_acc:", history["val_acc"][-1])
