"""3-class synthetic tabular benchmark: MLP + Adam, preallocated batch buffers."""
import time
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
torch.manual_seed(5)
np.random.seed(5)

X, y = make_classification(n_samples=3000, n_features=20, n_informative=12, n_redundant=4,
                           n_classes=3, flip_y=0.03, class_sep=1.0, random_state=5)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

model = nn.Sequential(
    nn.Linear(20, 128), nn.ReLU(inplace=True),
    nn.Linear(128, 128), nn.ReLU(inplace=True),
    nn.Linear(128, 3),
)
BATCH = 64
EPOCHS = 30
optimizer = torch.optim.Adam(model.parameters(), lr=0.05, foreach=True)
loss_fn = nn.CrossEntropyLoss()

n = len(X_train)
xb_buf = torch.empty(BATCH, X_train.shape[1])
yb_buf = torch.empty(BATCH, dtype=torch.long)

t0 = time.time()
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, BATCH):
        idx = perm[i:i + BATCH]
        b = len(idx)
        xb = torch.index_select(X_train, 0, idx, out=xb_buf[:b])
        yb = torch.index_select(y_train, 0, idx, out=yb_buf[:b])
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * b
    model.eval()
    with torch.inference_mode():
        val_logits = model(X_val)
        val_loss = loss_fn(val_logits, y_val).item()
        acc = (val_logits.argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1:2d}/{EPOCHS}  train_loss {total / n:.4f}  val_loss {val_loss:.4f}  val_acc {acc:.4f}")

print(f"final val_acc {acc:.4f}  ({time.time() - t0:.1f}s)")
