import copy
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

counts = np.bincount(y_train, minlength=3)
class_weights = torch.tensor(len(y_train) / (3 * counts), dtype=torch.float32)
print("class weights:", class_weights.numpy().round(3))

train_dl = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                      batch_size=16, shuffle=True)
Xv, yv = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(
    nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(32, 3),
)
max_epochs = 80
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max_epochs)
criterion = nn.CrossEntropyLoss(weight=class_weights)

best_loss, best_state, patience, bad_epochs = float("inf"), None, 12, 0
for epoch in range(max_epochs):
    model.train()
    total = 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
    scheduler.step()

    model.eval()
    with torch.no_grad():
        out = model(Xv)
        val_loss = criterion(out, yv).item()
        val_acc = (out.argmax(1) == yv).float().mean().item()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} lr {scheduler.get_last_lr()[0]:.5f} train {total / len(train_dl.dataset):.4f} "
              f"val {val_loss:.4f} acc {val_acc:.3f}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    acc = (model(Xv).argmax(1) == yv).float().mean().item()
print(f"best val loss {best_loss:.4f}, val accuracy {acc:.3f}")
