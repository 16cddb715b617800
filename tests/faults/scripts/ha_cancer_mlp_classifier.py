import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(11)
np.random.seed(11)

data = load_breast_cancer()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.25, stratify=data.target, random_state=11)

scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_val = torch.tensor(X_val, dtype=torch.float32)
X_train = torch.tensor(X_train, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)

model = nn.Sequential(
    nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(32, 16), nn.ReLU(),
    nn.Linear(16, 1),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
loss_fn = nn.BCEWithLogitsLoss()
loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

for epoch in range(40):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        logits = model(X_val).squeeze(1)
        val_loss = loss_fn(logits, y_val).item()
        val_acc = ((logits > 0).float() == y_val).float().mean().item()
    if epoch % 8 == 7:
        print(f"epoch {epoch + 1}: train loss {total / len(X_train):.4f} val loss {val_loss:.4f} val acc {val_acc:.3f}")

print(f"final validation accuracy: {val_acc:.3f}")
