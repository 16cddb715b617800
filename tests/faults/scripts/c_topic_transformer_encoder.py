"""Topic classification of synthetic token documents with a 1-layer nn.TransformerEncoder."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(99)
torch.set_num_threads(1)

V, L, K = 60, 16, 16  # vocab, doc length, topics
gen = torch.Generator().manual_seed(99)
topic_word = torch.softmax(torch.randn(K, V, generator=gen) * 0.8, dim=1)


def docs(n):
    z = torch.randint(0, K, (n,), generator=gen)
    toks = torch.multinomial(topic_word[z], L, replacement=True, generator=gen)
    return toks, z


Xtr, ytr = docs(2000)
Xva, yva = docs(500)


class TopicEncoder(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.emb = nn.Embedding(V, d)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, dropout=0.1, batch_first=True),
            num_layers=1)
        self.proj = nn.Linear(d, K)

    def forward(self, tokens):
        h = self.encoder(self.emb(tokens)).mean(dim=1)
        return F.softmax(self.proj(h), dim=-1)


model = TopicEncoder()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

EPOCHS = 10
for epoch in range(EPOCHS):
    model.train()
    idx_all = torch.randperm(len(Xtr))
    s = 0.0
    for k in range(0, len(idx_all), 32):
        idx = idx_all[k:k + 32]
        optimizer.zero_grad()
        loss = criterion(model(Xtr[idx]), ytr[idx])
        loss.backward()
        optimizer.step()
        s += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        probs = model(Xva)
        acc = (probs.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1}/{EPOCHS}  train loss {s / len(Xtr):.4f}  val acc {acc:.3f}")

print(f"final val accuracy {acc:.3f}")
