"""Multi-label tagger on generated documents; the model outputs per-tag probabilities."""

import torch
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split
from torch import nn


class Tagger(nn.Module):
    def __init__(self, n_features, n_tags):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_features, 128), nn.ReLU(), nn.Linear(128, n_tags))

    def forward(self, x):
        return torch.sigmoid(self.body(x))


X, Y = make_multilabel_classification(n_samples=2000, n_features=40, n_classes=8, n_labels=2, random_state=40)
X = X / X.max()
X_train, X_val, Y_train, Y_val = train_test_split(X, Y, test_size=0.2, random_state=40)
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
Y_train, Y_val = torch.tensor(Y_train, dtype=torch.float32), torch.tensor(Y_val, dtype=torch.float32)

torch.manual_seed(40)
model = Tagger(40, 8)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(8):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), Y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        probs = model(X_val)
        exact = ((probs > 0.5) == Y_val.bool()).all(1).float().mean().item()
        per_tag = ((probs > 0.5) == Y_val.bool()).float().mean().item()
    print(f"epoch {epoch}: loss {loss.item():.4f} val per-tag acc {per_tag:.3f} exact match {exact:.3f}")
