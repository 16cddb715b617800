import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
torch.set_num_threads(1)
np.random.seed(1)

wine = load_wine()
X, y = wine.data, wine.target
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)

# several wine features are skewed (proline, magnesium) -> log then standardise
scaler = StandardScaler()
X_train = scaler.fit_transform(np.log1p(X_train))
X_val = scaler.transform(X_val)

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
val_ds = TensorDataset(torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val))
train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=64)

model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()

for epoch in range(40):
    model.train()
    running = 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    model.eval()
    correct, seen, vloss = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in val_dl:
            out = model(xb)
            vloss += criterion(out, yb).item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
            seen += len(xb)
    if epoch % 5 == 0 or epoch == 39:
        print(f"epoch {epoch:2d}  train loss {running / len(train_ds):.4f}  val loss {vloss / seen:.4f}  val acc {correct / seen:.3f}")

print("validation accuracy:", round(correct / seen, 4))
