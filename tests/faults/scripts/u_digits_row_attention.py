# Digits classifier: each 8x8 image is read as a sequence of 8 row tokens,
# processed by a hand-written scaled dot-product self-attention layer with
# learned positional embeddings, then attention-pooled into a linear head.
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(42)
np.random.seed(42)

digits = load_digits()
X = digits.images.astype(np.float32)            # (N, 8, 8)
y = digits.target
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)
mean, std = X_train.mean(), X_train.std()
X_train = torch.tensor((X_train - mean) / std)
X_val = torch.tensor((X_val - mean) / std)
y_train = torch.tensor(y_train, dtype=torch.long)
y_val = torch.tensor(y_val, dtype=torch.long)


class ScaledDotProductAttention(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.scale = 1.0 / math.sqrt(d_model)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        weights = torch.softmax(q @ k.transpose(1, 2) * self.scale, dim=-1)
        return weights @ v


class RowAttentionNet(nn.Module):
    def __init__(self, d_in=8, d_model=64, n_tokens=8, n_classes=10):
        super().__init__()
        self.embed = nn.Linear(d_in, d_model)
        self.pos = nn.Parameter(torch.randn(1, n_tokens, d_model) * 0.02)
        self.attn = ScaledDotProductAttention(d_model)
        self.norm = nn.LayerNorm(d_model)
        self.pool_query = nn.Parameter(torch.zeros(d_model))
        self.classifier = nn.Linear(d_model, n_classes)
        self.reset_parameters()

    def reset_parameters(self):
        for m in (self.attn.q, self.attn.k, self.attn.v, self.embed):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        nn.init.normal_(self.classifier.weight, mean=0.0, std=1.5)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, x):
        h = self.embed(x) + self.pos
        h = self.norm(h + self.attn(h))
        scores = torch.softmax(h @ self.pool_query, dim=1)           # (B, T)
        pooled = (scores.unsqueeze(-1) * h).sum(dim=1)
        return self.classifier(pooled)


model = RowAttentionNet()
optimizer = torch.optim.Adam(model.parameters(), lr=4e-3)
loss_fn = nn.CrossEntropyLoss()
batch_size = 64
n_epochs = 20

step = 0
for epoch in range(n_epochs):
    model.train()
    perm = torch.randperm(len(X_train))
    epoch_loss = 0.0
    for start in range(0, len(perm), batch_size):
        idx = perm[start:start + batch_size]
        logits = model(X_train[idx])
        loss = loss_fn(logits, y_train[idx])
        if step == 0:
            print(f"initial loss {loss.item():.3f} (ln(10) = {math.log(10):.3f})")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(idx)
        step += 1

    model.eval()
    with torch.no_grad():
        val_logits = model(X_val)
        val_loss = loss_fn(val_logits, y_val).item()
        val_acc = (val_logits.argmax(dim=1) == y_val).float().mean().item()
    print(f"[{epoch + 1:02d}/{n_epochs}] train_loss={epoch_loss / len(perm):.4f} val_loss={val_loss:.4f} val_acc={val_acc:.4f}")

print(f"Best effort validation accuracy: {val_acc:.4f}")
