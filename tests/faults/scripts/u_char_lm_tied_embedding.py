"""Tiny character-level language model on generated sentences.

Single causal self-attention block, learned positional embeddings and an
output projection tied to the token embedding.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

SUBJECTS = ["the cat", "a dog", "my friend", "the old man", "her sister", "a bird"]
VERBS = ["sat on", "looked at", "ran past", "jumped over", "slept near"]
OBJECTS = ["the mat", "a red box", "the garden wall", "his blue car", "the river"]


def make_corpus(n_sentences):
    rng = random.Random(SEED)
    lines = []
    for _ in range(n_sentences):
        lines.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    return " ".join(lines)


text = make_corpus(1500)
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
vocab_size = len(chars)
split = int(0.9 * len(data))
train_data, val_data = data[:split], data[split:]
print(f"corpus: {len(text)} chars, vocab {vocab_size}")

BLOCK = 32
BATCH = 64
D_MODEL = 64


def windows(seq, block):
    n = (len(seq) - 1) // block
    x = seq[: n * block].view(n, block)
    y = seq[1 : n * block + 1].view(n, block)
    return x, y


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads, block):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        mask = torch.tril(torch.ones(block, block, dtype=torch.bool))
        self.register_buffer("mask", mask)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=-1)
        h = self.n_heads
        q = q.view(B, T, h, C // h).transpose(1, 2)
        k = k.view(B, T, h, C // h).transpose(1, 2)
        v = v.view(B, T, h, C // h).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // h)
        att = att.masked_fill(~self.mask[:T, :T], float("-inf"))
        att = att.softmax(dim=-1)
        out = (att @ v).transpose(1, 2).reshape(B, T, C)
        return self.proj(out)


class TinyLM(nn.Module):
    def __init__(self, vocab, d_model, block):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(1, block, d_model))
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, 4, block)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)
        self.head.weight = self.tok.weight
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos[:, :T]
        x = x + self.attn(self.ln1(x))
        x = x + self.mlp(self.ln2(x))
        return self.head(self.ln_f(x))


model = TinyLM(vocab_size, D_MODEL, BLOCK)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
xv, yv = windows(val_data, BLOCK)
EPOCHS = 2

for epoch in range(EPOCHS):
    model.train()
    offset = random.randint(0, BLOCK - 1)
    xt, yt = windows(train_data[offset:], BLOCK)
    perm = torch.randperm(len(xt))
    total, nb = 0.0, 0
    for i in range(0, len(xt), BATCH):
        idx = perm[i : i + BATCH]
        logits = model(xt[idx])
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), yt[idx].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        nb += 1
        if nb % 5 == 0:
            print(f"  epoch {epoch + 1} batch {nb} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(xv)
        val_loss = F.cross_entropy(logits.reshape(-1, vocab_size), yv.reshape(-1)).item()
        val_acc = (logits.argmax(-1) == yv).float().mean().item()
    print(f"epoch {epoch + 1}/{EPOCHS} train loss {total / nb:.4f} val loss {val_loss:.4f} next-char acc {val_acc:.3f}")

print(f"final next-char accuracy: {val_acc:.3f}")
