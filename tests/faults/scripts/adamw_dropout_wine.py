"""Wine classifier regularised with AdamW weight decay and dropout."""

import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(52)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=52, stratify=y)
scaler = StandardScaler().fit(X_train)
loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32),
                                  torch.tensor(y_train)), batch_size=16, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 32), nn.ReLU(),
                      nn.Dropout(0.3), nn.Linear(32, 3))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
criterion = nn.CrossEntropyLoss()
for epoch in range(25):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
