import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
torch.set_num_threads(1)
np.random.seed(42)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_val = scaler.transform(X_val)

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train, dtype=torch.float32))
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)
X_val_t = torch.tensor(X_val, dtype=torch.float32)
y_val_t = torch.tensor(y_val, dtype=torch.float32)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()

for epoch in range(20):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        logits = model(xb).squeeze(1)
        loss = criterion(logits, yb)
        loss.backward()
        epoch_loss += loss.item() * len(xb)
    optimizer.step()

    model.eval()
    with torch.no_grad():
        val_logits = model(X_val_t).squeeze(1)
        val_loss = criterion(val_logits, y_val_t).item()
        val_acc = ((val_logits > 0).float() == y_val_t).float().mean().item()
    print(f"Epoch {epoch + 1:2d}: train_loss={epoch_loss / len(train_ds):.4f} val_loss={val_loss:.4f} val_acc={val_acc:.3f}")

print(f"Validation accuracy: {val_acc:.3f}")
