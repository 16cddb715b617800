"""Sequence classification with a tiny hand-written attention encoder.

Each sequence holds random tokens; the label says whether token 1 occurs more
often than token 2.  One self-attention block (F.scaled_dot_product_attention),
mean pooling and a linear head.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_num_threads(1)

VOCAB, SEQ_LEN, D_MODEL, N_HEADS = 8, 20, 32, 4


def make_split(n, gen):
    x = torch.randint(0, VOCAB, (n, SEQ_LEN), generator=gen)
    y = ((x == 1).sum(1) > (x == 2).sum(1)).long()
    return x, y


g = torch.Generator().manual_seed(7)
x_train, y_train = make_split(2000, g)
x_val, y_val = make_split(500, g)


class SelfAttention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2) for z in (q, k, v))
        out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.1 if self.training else 0.0)
        return self.proj(out.transpose(1, 2).reshape(b, t, d))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, D_MODEL)
        self.pos = nn.Parameter(torch.randn(1, SEQ_LEN, D_MODEL) * 0.02)
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.attn = SelfAttention(D_MODEL, N_HEADS)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.ff = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))
        self.head = nn.Linear(D_MODEL, 2)

    def forward(self, tokens):
        x = self.emb(tokens) + self.pos
        x = x + self.attn(self.ln1(x))
        x = x + self.ff(self.ln2(x))
        return self.head(x.mean(1))


model = Encoder()
EPOCHS, BATCH = 12, 64
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=2)
decay = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS - 2)
scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, decay], milestones=[2])


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(x_val)
        return F.cross_entropy(logits, y_val).item(), (logits.argmax(1) == y_val).float().mean().item()


for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(x_train))
    running, batches = 0.0, 0
    for start in range(0, len(order), BATCH):
        idx = order[start:start + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        running += loss.item()
        batches += 1
    optimizer.step()
    scheduler.step()
    val_loss, val_acc = evaluate()
    print(f"epoch {epoch + 1:2d} lr {scheduler.get_last_lr()[0]:.2e} "
          f"train_loss {running / batches:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.3f}")

print(f"final validation accuracy: {val_acc:.3f}")
