"""Wine classifier with cosine learning-rate annealing stepped once per epoch."""

import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 20

torch.manual_seed(112)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=112, stratify=y)
scaler = StandardScaler().fit(X_train)
loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train)),
                    batch_size=16, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
criterion = nn.CrossEntropyLoss()
for epoch in range(EPOCHS):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: lr {scheduler.get_last_lr()[0]:.4f} val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
