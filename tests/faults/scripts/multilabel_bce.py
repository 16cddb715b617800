"""Multi-label tagger on generated documents with per-tag logits."""

import torch
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split
from torch import nn

X, Y = make_multilabel_classification(n_samples=2000, n_features=40, n_classes=8, n_labels=2, random_state=56)
X = X / X.max()
X_train, X_val, Y_train, Y_val = train_test_split(X, Y, test_size=0.2, random_state=56)
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
Y_train, Y_val = torch.tensor(Y_train, dtype=torch.float32), torch.tensor(Y_val, dtype=torch.float32)

torch.manual_seed(56)
model = nn.Sequential(nn.Linear(40, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 8))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(20):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), Y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        hits = (logits > 0) == Y_val.bool()
    print(f"epoch {epoch}: val loss {criterion(logits, Y_val).item():.4f} per-tag acc {hits.float().mean().item():.3f} "
          f"exact match {hits.all(1).float().mean().item():.3f}")
