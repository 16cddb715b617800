import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

N_CLASSES = 4
DIM = 10
centers = rng.normal(0, 1.0, size=(N_CLASSES, DIM))


def make_split(n_per_class):
    xs, ys = [], []
    for c in range(N_CLASSES):
        xs.append(centers[c] + rng.normal(0, 1.0, size=(n_per_class, DIM)))
        ys.append(np.full(n_per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


X_train, y_train = make_split(1000)
X_val, y_val = make_split(200)

mu, sd = X_train.mean(0), X_train.std(0)
X_train = (X_train - mu) / sd
X_val = (X_val - mu) / sd

train_loader = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
                          batch_size=32, shuffle=False)
val_loader = DataLoader(TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val)), batch_size=128)

model = nn.Sequential(nn.Linear(DIM, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, N_CLASSES))
opt = torch.optim.SGD(model.parameters(), lr=0.2)
crit = nn.CrossEntropyLoss()

for epoch in range(8):
    model.train()
    tot, cnt = 0.0, 0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
        cnt += len(yb)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch:2d} | train loss {tot / cnt:.4f} | val acc {correct / len(y_val):.3f}")

print("final val accuracy:", correct / len(y_val))
