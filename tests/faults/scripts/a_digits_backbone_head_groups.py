import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=3, stratify=y)
sc = StandardScaler().fit(X_train)
train_ds = TensorDataset(torch.tensor(sc.transform(X_train), dtype=torch.float32), torch.tensor(y_train))
val_ds = TensorDataset(torch.tensor(sc.transform(X_val), dtype=torch.float32), torch.tensor(y_val))
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=256)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(64, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU())
        self.head = nn.Linear(12, 10)

    def forward(self, x):
        return self.head(self.backbone(x))


model = Model()
base_lr = 3e-3
optimizer = torch.optim.Adam([
    {"params": model.backbone.parameters(), "lr": base_lr * 1e-3},
    {"params": model.head.parameters(), "lr": base_lr},
])
criterion = nn.CrossEntropyLoss()

for epoch in range(25):
    model.train()
    total = 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_dl:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch:2d} train_loss {total / len(train_ds):.4f} val_acc {correct / len(val_ds):.4f}")

print("final val_acc", correct / len(val_ds))
