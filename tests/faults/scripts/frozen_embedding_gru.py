"""GRU classifier over generated token sequences with an embedding layer."""

import torch
from torch import nn

VOCAB, LENGTH = 50, 24


def make_data(n, generator):
    tokens = torch.randint(0, VOCAB, (n, LENGTH), generator=generator)
    # class 1: some "keyword" token (0-4) appears at least twice
    labels = ((tokens < 5).sum(1) >= 2).long()
    return tokens, labels


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 4)
        self.gru = nn.GRU(4, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, tokens):
        _, h = self.gru(self.embed(tokens))
        return self.head(h[-1])


g = torch.Generator().manual_seed(16)
torch.manual_seed(16)
X_train, y_train = make_data(2000, g)
X_val, y_val = make_data(500, g)
model = GRUClassifier()
model.embed.weight.requires_grad = False
optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=3e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
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
    print(f"epoch {epoch}: loss {loss.item():.3f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
