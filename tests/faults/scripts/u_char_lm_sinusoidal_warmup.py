#!/usr/bin/env python
"""Character-level LM on generated 'recipe' lines: pre-norm nn.TransformerEncoderLayer
with a causal mask, sinusoidal positions, tied input/output embeddings and a
linear-warmup + cosine learning-rate schedule stepped every update."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(99)
rs = np.random.RandomState(99)

ACTIONS = ["mix", "stir", "bake", "chop", "boil", "fry"]
ITEMS = ["two eggs", "the flour", "some rice", "three onions", "the butter", "a carrot"]
TIMES = ["for ten minutes", "until golden", "gently", "for an hour", "twice"]
lines = [f"{rs.choice(ACTIONS)} {rs.choice(ITEMS)} {rs.choice(TIMES)};" for _ in range(1000)]
corpus = " ".join(lines)
itos = sorted(set(corpus))
stoi = {ch: i for i, ch in enumerate(itos)}
V = len(itos)
ids = torch.tensor([stoi[ch] for ch in corpus])
cut = int(len(ids) * 0.9)
train_ids, val_ids = ids[:cut], ids[cut:]
CTX, BS, D = 32, 64, 64


def chunk(seq, start=0):
    seq = seq[start:]
    n = (len(seq) - 1) // CTX
    return seq[: n * CTX].view(n, CTX), seq[1 : n * CTX + 1].view(n, CTX)


def sinusoid_table(n, d):
    position = torch.arange(n, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)
    table = torch.zeros(n, d)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq)
    return table


class CharTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        nn.init.normal_(self.embed.weight, std=0.05)
        self.register_buffer("pos", sinusoid_table(CTX, D))
        layer = nn.TransformerEncoderLayer(D, nhead=4, dim_feedforward=4 * D, dropout=0.0,
                                           batch_first=True, norm_first=True, activation="gelu")
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)
        self.register_buffer("causal", nn.Transformer.generate_square_subsequent_mask(CTX))

    def forward(self, tok):
        T = tok.size(1)
        h = self.embed(tok) * math.sqrt(D) * 0.25 + self.pos[:T]
        h = self.body(h, mask=self.causal[:T, :T], is_causal=True)
        return self.norm(h) @ self.embed.weight.t()          # tied output projection


lm = CharTransformer()
optim = torch.optim.AdamW(lm.parameters(), lr=6e-3, weight_decay=0.01, betas=(0.9, 0.98))
EPOCHS = 14
steps_per_epoch = math.ceil(len(chunk(train_ids)[0]) / BS)
total_steps, warmup = EPOCHS * steps_per_epoch, 15


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total_steps - warmup)))


sched = torch.optim.lr_scheduler.LambdaLR(optim, lr_lambda)
xv, yv = chunk(val_ids)
print(f"vocab={V} train_chars={len(train_ids)} steps={total_steps}")

for epoch in range(1, EPOCHS + 1):
    lm.train()
    xt, yt = chunk(train_ids, start=int(rs.randint(CTX)))
    order = torch.randperm(len(xt))
    losses = []
    for b in range(0, len(order), BS):
        sel = order[b:b + BS]
        loss = F.cross_entropy(lm(xt[sel]).flatten(0, 1), yt[sel].flatten())
        optim.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(lm.parameters(), 1.0)
        optim.step()
        sched.step()
        losses.append(loss.item())
    lm.eval()
    with torch.no_grad():
        out = lm(xv)
        vloss = F.cross_entropy(out.flatten(0, 1), yv.flatten()).item()
        vacc = (out.argmax(-1) == yv).float().mean().item()
    print(f"epoch {epoch} | lr {sched.get_last_lr()[0]:.2e} | train {np.mean(losses):.4f} | val {vloss:.4f} | next-char acc {vacc:.3f}")

print(f"validation next-char accuracy {vacc:.3f} (perplexity {math.exp(vloss):.2f})")
