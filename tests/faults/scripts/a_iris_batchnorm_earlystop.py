import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

iris = load_iris()
X_train, X_val, y_train, y_val = train_test_split(iris.data, iris.target, test_size=0.4,
                                                  random_state=0, stratify=iris.target)
scaler = StandardScaler()
X_train = torch.tensor(scaler.fit_transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()

bs = 16
n = len(X_train)
best_loss, best_acc, best_epoch, wait, patience = float("inf"), 0.0, 0, 0, 20
best_weights = None
for epoch in range(200):
    model.train()
    perm = torch.randperm(n)
    ep_loss = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        ep_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val_out = model(X_val)
        val_acc = (val_out.argmax(1) == y_val).float().mean().item()
        val_loss = loss_fn(val_out, y_val).item()
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} loss {ep_loss / n:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.3f}")
    if val_loss < best_loss - 1e-3:
        best_loss, best_acc, best_epoch, wait = val_loss, val_acc, epoch, 0
        best_weights = {k: v.clone() for k, v in model.state_dict().items()}
    else:
        wait += 1
        if wait > patience:
            print(f"no improvement for {patience} epochs, stopping at epoch {epoch}")
            break

model.load_state_dict(best_weights)
print(f"best val loss {best_loss:.4f} (val accuracy {best_acc:.3f}) at epoch {best_epoch}")
