"""Bag-of-tokens classifier on generated token streams, with per-module learning rates."""

import torch
from torch import nn

VOCAB, LENGTH, CLASSES = 200, 20, 4


def make_streams(n, generator):
    labels = torch.randint(0, CLASSES, (n,), generator=generator)
    tokens = torch.randint(0, VOCAB, (n, LENGTH), generator=generator)
    # each class favours its own block of 50 tokens
    favoured = labels[:, None] * 50 + torch.randint(0, 50, (n, LENGTH), generator=generator)
    pick = torch.rand(n, LENGTH, generator=generator) < 0.15
    return torch.where(pick, favoured, tokens), labels


class BagModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.EmbeddingBag(VOCAB, 32, mode="mean")
        self.classifier = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, CLASSES))

    def forward(self, tokens):
        return self.classifier(self.embedding(tokens))


g = torch.Generator().manual_seed(11)
torch.manual_seed(11)
X_train, y_train = make_streams(2000, g)
X_val, y_val = make_streams(500, g)

model = BagModel()
optimizer = torch.optim.Adam([
    {"params": model.embedding.parameters(), "lr": 1e-2},
    {"params": model.classifier[0].parameters(), "lr": 2.0},
    {"params": model.classifier[2].parameters(), "lr": 1e-2},
])
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
        print(f"epoch {epoch}: loss {loss.item():.3f} val loss {criterion(logits, y_val).item():.3f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
