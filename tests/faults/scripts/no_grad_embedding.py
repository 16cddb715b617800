"""Token-sequence classifier: embedding, GRU and a linear head."""

import torch
from torch import nn

VOCAB, LENGTH = 40, 16


def make_data(n, generator):
    tokens = torch.randint(0, VOCAB, (n, LENGTH), generator=generator)
    labels = (tokens[:, :LENGTH // 2] < 10).sum(1).gt(1).long()
    return tokens, labels


class SeqClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 8)
        self.gru = nn.GRU(8, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, tokens):
        with torch.no_grad():
            vectors = self.embedding(tokens)
        out, _ = self.gru(vectors)
        return self.head(out[:, -1])


g = torch.Generator().manual_seed(34)
torch.manual_seed(34)
X_train, y_train = make_data(2000, g)
X_val, y_val = make_data(500, g)
model = SeqClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: loss {loss.item():.3f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
