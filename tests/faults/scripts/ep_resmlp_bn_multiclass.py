"""4-class synthetic table, residual MLP with BatchNorm, label smoothing, cosine warm restarts."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 11
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y = make_classification(n_samples=2400, n_features=20, n_informative=12, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, class_sep=1.0, random_state=SEED)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

train_dl = DataLoader(TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr)),
                      batch_size=64, shuffle=True, drop_last=True)
X_va_t, y_va_t = torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va)


class ResBlock(nn.Module):
    def __init__(self, d, p=0.1):
        super().__init__()
        self.bn = nn.BatchNorm1d(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        h = self.fc2(self.drop(F.relu(self.fc1(self.bn(x)))))
        return x + h


class ResMLP(nn.Module):
    def __init__(self, d_in, d=64, n_blocks=3, n_out=4):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(d_in, d), *[ResBlock(d) for _ in range(n_blocks)])
        self.head = nn.Sequential(nn.BatchNorm1d(d), nn.ReLU(), nn.Linear(d, n_out))

    def forward(self, x):
        return self.head(self.backbone(x))


model = ResMLP(X_tr.shape[1])
for p in model.backbone.parameters():
    p.requires_grad = False

criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
EPOCHS = 30
scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2)
steps_per_epoch = len(train_dl)

for epoch in range(EPOCHS):
    model.train()
    run_loss, correct, seen = 0.0, 0, 0
    for i, (xb, yb) in enumerate(train_dl):
        optimizer.zero_grad()
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        scheduler.step(epoch + (i + 1) / steps_per_epoch)
        run_loss += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        va_logits = model(X_va_t)
        va_loss = criterion(va_logits, y_va_t).item()
        va_acc = (va_logits.argmax(1) == y_va_t).float().mean().item()
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch:02d} lr {optimizer.param_groups[0]['lr']:.2e} "
              f"train_loss {run_loss / seen:.4f} train_acc {correct / seen:.3f} "
              f"val_loss {va_loss:.4f} val_acc {va_acc:.3f}")

print(f"final validation accuracy: {va_acc:.3f}")
