"""Machine-fault classifier prepared with pandas and trained in fixed batches."""

import pandas as pd
import torch
from sklearn.datasets import make_classification
from torch import nn

X, y = make_classification(n_samples=1600, n_features=12, n_informative=8, n_classes=5, n_clusters_per_class=1,
                           class_sep=1.5, random_state=84)
frame = pd.DataFrame(X, columns=[f"sensor_{i}" for i in range(12)]).assign(fault=y)
val_frame, train_frame = frame.iloc[:300], frame.iloc[300:]
train_frame = train_frame.sort_values("fault")
features = [c for c in frame.columns if c != "fault"]
mean, std = train_frame[features].mean(), train_frame[features].std()


def to_tensors(part: pd.DataFrame):
    X = torch.tensor(((part[features] - mean) / std).to_numpy(), dtype=torch.float32)
    return X, torch.tensor(part["fault"].to_numpy())


X_train, y_train = to_tensors(train_frame)
X_val, y_val = to_tensors(val_frame)

torch.manual_seed(84)
model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 5))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    for i in range(0, len(X_train), 16):
        optimizer.zero_grad()
        loss = criterion(model(X_train[i:i + 16]), y_train[i:i + 16])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: last loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
