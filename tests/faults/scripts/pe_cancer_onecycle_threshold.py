"""Breast-cancer screening model: OneCycle schedule, pos_weight BCE, validation threshold search."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import average_precision_score, balanced_accuracy_score, confusion_matrix, f1_score

SEED = 42
torch.manual_seed(SEED)
np.random.seed(SEED)

ds = load_breast_cancer()
X = ds.data
y = (ds.target == 0).astype(np.float32)  # malignant is the positive class

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_val = scaler.transform(X_val).astype(np.float32)

train_loader = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
                          batch_size=32, shuffle=True)
X_val_t = torch.from_numpy(X_val)
y_val_t = torch.from_numpy(y_val)


class Screener(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


model = Screener(X_train.shape[1])
n_pos = y_train.sum()
criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(y_train) - n_pos) / n_pos))
EPOCHS = 20
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=5e-3, epochs=EPOCHS,
                                                steps_per_epoch=len(train_loader))

for epoch in range(EPOCHS):
    model.train()
    loss_sum = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        loss_sum += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_logits = model(X_val_t)
        val_loss = criterion(val_logits, y_val_t).item()
    if (epoch + 1) % 4 == 0:
        probs = torch.sigmoid(val_logits).numpy()
        print(f"epoch {epoch + 1:2d} lr {scheduler.get_last_lr()[0]:.5f} train_loss {loss_sum / len(X_train):.4f} "
              f"val_loss {val_loss:.4f} val_AP {average_precision_score(y_val, probs):.4f}")

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(X_val_t)).numpy()
grid = np.arange(0.1, 0.91, 0.05)
f1s = [f1_score(y_val, probs >= t) for t in grid]
thr = grid[int(np.argmax(f1s))]
pred = probs >= thr
print(f"threshold {thr:.2f}: F1 {max(f1s):.4f}, balanced acc {balanced_accuracy_score(y_val, pred):.4f}, "
      f"PR-AUC {average_precision_score(y_val, probs):.4f}")
print(confusion_matrix(y_val, pred))
