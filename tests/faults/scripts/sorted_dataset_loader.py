"""Machine-state classifier with a custom Dataset that keeps the rows in a stable order."""

import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset


class StateRows(Dataset):
    def __init__(self, X, y, mean, std):
        order = y.argsort(kind="stable")
        self.X = torch.tensor((X[order] - mean) / std, dtype=torch.float32)
        self.y = torch.tensor(y[order])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


X, y = make_classification(n_samples=1500, n_features=10, n_informative=6, n_classes=3, n_clusters_per_class=1,
                           random_state=23)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=23, stratify=y)
mean, std = X_train.mean(0), X_train.std(0)
train_loader = DataLoader(StateRows(X_train, y_train, mean, std), batch_size=16, shuffle=False)
val_loader = DataLoader(StateRows(X_val, y_val, mean, std), batch_size=512)

torch.manual_seed(23)
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(val_loader))
        logits = model(xb)
    print(f"epoch {epoch}: last batch loss {loss.item():.3f} val loss {criterion(logits, yb).item():.3f} "
          f"val acc {(logits.argmax(1) == yb).float().mean().item():.3f}")
