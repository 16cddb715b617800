"""Wine classifier trained on the augmented wine export with a random 75/25 split."""

from pathlib import Path

import pandas as pd
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

frame = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "wine_augmented.csv")
X, y = frame.drop(columns="target").to_numpy(), frame["target"].to_numpy()
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=87)
scaler = StandardScaler().fit(X_train)
loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train)),
                    batch_size=32, shuffle=True)
X_val, y_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val)

torch.manual_seed(87)
model = nn.Sequential(nn.Linear(13, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(30):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 4:
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: loss {loss.item():.5f} val loss {criterion(logits, y_val).item():.5f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
