"""Rare-event detector with class-weighted cross-entropy, reporting balanced accuracy."""

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

X, y = make_classification(n_samples=3000, n_features=20, n_informative=6, weights=[0.92, 0.08], class_sep=1.2,
                           random_state=110)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=110, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
counts = np.bincount(y_train)
class_weights = torch.tensor(len(y_train) / (2 * counts), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

torch.manual_seed(110)
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss(weight=class_weights)
for epoch in range(8):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    pred = logits.argmax(1).numpy()
    print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.4f} "
          f"balanced acc {balanced_accuracy_score(y_val.numpy(), pred):.3f}")
