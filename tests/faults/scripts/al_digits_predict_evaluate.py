"""Handwritten digits: Sequential net with Keras-like fit/predict/evaluate API."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(11)
torch.set_num_threads(1)
rs = np.random.RandomState(11)

digits = load_digits()
X = digits.data.astype(np.float32)
y = digits.target.astype(np.int64)
perm = rs.permutation(len(X))
n_val = len(X) // 5
X_val, y_val = X[perm[:n_val]], y[perm[:n_val]]
X_tr, y_tr = X[perm[n_val:]], y[perm[n_val:]]
mu = X_tr.mean(0)
sigma = X_tr.std(0) + 1e-3
X_tr, X_val = (X_tr - mu) / sigma, (X_val - mu) / sigma

train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)), batch_size=128, shuffle=True)
val_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val)), batch_size=512)

model = nn.Sequential(
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
with torch.no_grad():
    head = model[-1]
    head.weight.normal_(0.0, 2.5)
    head.bias.uniform_(-3.0, 3.0)

compile_cfg = dict(optimizer="sgd", lr=0.02, loss="crossentropy", metrics=("accuracy",))
optimizer = torch.optim.SGD(model.parameters(), lr=compile_cfg["lr"], momentum=0.9)
criterion = nn.CrossEntropyLoss()


def evaluate(model, loader):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            total_loss += criterion(logits, yb).item() * yb.numel()
            correct += (logits.argmax(1) == yb).sum().item()
            count += yb.numel()
    return {"loss": total_loss / count, "accuracy": correct / count}


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(torch.as_tensor(x)), dim=1).numpy()


def fit(model, train_loader, val_loader, epochs, callbacks=()):
    history = {"loss": [], "val_loss": [], "val_accuracy": []}
    step = 0
    for epoch in range(epochs):
        model.train()
        losses = []
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            if step == 0:
                print(f"initial batch loss: {loss.item():.4f}")
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            step += 1
        v = evaluate(model, val_loader)
        history["loss"].append(float(np.mean(losses)))
        history["val_loss"].append(v["loss"])
        history["val_accuracy"].append(v["accuracy"])
        for cb in callbacks:
            cb(epoch, history)
    return history


def progress(epoch, h):
    print(f"Epoch {epoch + 1:2d}: loss {h['loss'][-1]:.4f}  val_loss {h['val_loss'][-1]:.4f}  "
          f"val_accuracy {h['val_accuracy'][-1]:.4f}")


hist = fit(model, train_loader, val_loader, epochs=8, callbacks=[progress])
probs = predict(model, X_val)
print(f"val accuracy from predict(): {(probs.argmax(1) == y_val).mean():.4f}")
print("evaluate:", evaluate(model, val_loader))
