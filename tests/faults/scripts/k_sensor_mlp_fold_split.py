# Sensor-fault classifier on synthetic tabular data, evaluated on fold 0 of a manual 4-fold split.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(17)
torch.set_num_threads(1)
np.random.seed(17)

X, y = make_classification(n_samples=400, n_features=40, n_informative=6, n_redundant=4,
                           flip_y=0.05, class_sep=0.9, random_state=17)
K = 4
fold_of = np.random.permutation(len(y)) % K
val_mask = fold_of == 0
X_tr, y_tr = X[~val_mask], y[~val_mask]
X_va, y_va = X[val_mask], y[val_mask]

mu, sd = X_tr.mean(0), X_tr.std(0)
to_t = lambda a: torch.tensor(a, dtype=torch.float32)
train_ds = TensorDataset(to_t((X_tr - mu) / sd), torch.tensor(y_tr))
val_ds = TensorDataset(to_t((X_va - mu) / sd), torch.tensor(y_va))
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=len(val_ds))

model = nn.Sequential(
    nn.Linear(40, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 2),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
EPOCHS = 80

for epoch in range(1, EPOCHS + 1):
    model.train()
    loss_sum, hit, n = 0.0, 0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = criterion(out, yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(yb)
        hit += (out.argmax(1) == yb).sum().item()
        n += len(yb)
    model.eval()
    with torch.no_grad():
        xv, yv = next(iter(val_loader))
        ov = model(xv)
        v_loss = criterion(ov, yv).item()
        v_acc = (ov.argmax(1) == yv).float().mean().item()
    if epoch % 10 == 0 or epoch == 1:
        print(f"epoch {epoch:3d}  train_loss {loss_sum / n:.4f}  train_acc {hit / n:.3f}  "
              f"val_loss {v_loss:.4f}  val_acc {v_acc:.3f}")

print(f"final: train_acc {hit / n:.3f}  val_acc {v_acc:.3f}")
