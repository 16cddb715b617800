"""Small transformer encoder: does a token sequence contain a matching open/close pair?"""

import torch
from torch import nn

VOCAB, LENGTH = 20, 12


def make_data(n, generator):
    tokens = torch.randint(2, VOCAB, (n, LENGTH), generator=generator)
    labels = torch.randint(0, 2, (n,), generator=generator)
    first = torch.randint(0, LENGTH - 1, (n,), generator=generator)
    second = first + 1 + (torch.rand(n, generator=generator) * (LENGTH - 1 - first)).long()
    rows = torch.arange(n)
    tokens[rows[labels == 1], first[labels == 1]] = 0
    tokens[rows[labels == 1], second[labels == 1]] = 1
    return tokens, labels


class TokenTransformer(nn.Module):
    def __init__(self, d_model=32):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d_model)
        self.position = nn.Parameter(torch.randn(LENGTH, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, 2)

    def forward(self, tokens):
        h = self.encoder(self.embed(tokens) + self.position)
        return self.head(h.mean(1))


g = torch.Generator().manual_seed(55)
torch.manual_seed(55)
X_train, y_train = make_data(2000, g)
X_val, y_val = make_data(400, g)
model = TokenTransformer()
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
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
    print(f"epoch {epoch}: loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
