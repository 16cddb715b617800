"""Sequence classification with a small pre-norm transformer encoder.

Each generated sequence contains one 'dominant' marker token (the class) a few
more times than the other markers, hidden among filler tokens.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

g = torch.Generator().manual_seed(11)
torch.manual_seed(11)
np.random.seed(11)

N_CLASSES, VOCAB, SEQ_LEN = 4, 16, 20


def make_split(n, gen):
    seqs = torch.randint(N_CLASSES, VOCAB, (n, SEQ_LEN), generator=gen)
    labels = torch.randint(0, N_CLASSES, (n,), generator=gen)
    for i in range(n):
        pos = torch.randperm(SEQ_LEN, generator=gen)
        k = 0
        for c in range(N_CLASSES):
            reps = 5 if c == labels[i] else int(torch.randint(0, 4, (1,), generator=gen))
            seqs[i, pos[k:k + reps]] = c
            k += reps
    return seqs, labels


x_train, y_train = make_split(2000, g)
x_val, y_val = make_split(400, g)


class PreNormBlock(nn.Module):
    def __init__(self, d, heads, p=0.1):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=p, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Dropout(p), nn.Linear(2 * d, d))

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.ff(self.ln2(x))


def sinusoidal(length, d):
    pos = torch.arange(length).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(length, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class Encoder(nn.Module):
    def __init__(self, d=32, heads=4, depth=2):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, d)
        self.register_buffer("pe", sinusoidal(SEQ_LEN, d))
        self.blocks = nn.ModuleList([PreNormBlock(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, N_CLASSES)

    def forward(self, tokens):
        x = self.emb(tokens) + self.pe
        for blk in self.blocks:
            x = blk(x)
        return self.out(self.norm(x).mean(dim=1))


model = Encoder()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.995, nesterov=True)
BATCH, EPOCHS = 64, 8

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(x_train))
    tot, correct = 0.0, 0
    for i in range(0, len(order), BATCH):
        idx = order[i:i + BATCH]
        logits = model(x_train[idx])
        loss = F.cross_entropy(logits, y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        tot += loss.item() * len(idx)
        correct += (logits.argmax(1) == y_train[idx]).sum().item()
    model.eval()
    with torch.no_grad():
        v_logits = model(x_val)
        v_loss = F.cross_entropy(v_logits, y_val).item()
        v_acc = (v_logits.argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train_loss {tot / len(order):.4f}  train_acc {correct / len(order):.3f}  "
          f"val_loss {v_loss:.4f}  val_acc {v_acc:.3f}")

print(f"validation accuracy: {v_acc:.3f}")
