"""Digits MLP trained with gradient accumulation to simulate a large batch."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

ACCUMULATION_STEPS = 32

torch.manual_seed(30)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=30)
scaler = StandardScaler().fit(X_train)
train_loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32),
                                        torch.tensor(y_train)), batch_size=64, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    model.train()
    optimizer.zero_grad()
    for i, (xb, yb) in enumerate(train_loader):
        loss = criterion(model(xb), yb) / ACCUMULATION_STEPS
        loss.backward()
        if (i + 1) % ACCUMULATION_STEPS == 0:
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
