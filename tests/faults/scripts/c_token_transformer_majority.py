# Tiny transformer encoder: which of tokens {1,2,3} appears most often in a length-16 sequence.
# AdamW, linear warmup then linear decay (LambdaLR per step), dropout, grad clipping.
import torch
import torch.nn as nn

torch.manual_seed(3)
torch.set_num_threads(1)
VOCAB, SEQ, NCLS = 12, 16, 3


def sample(n, gen):
    toks = torch.randint(0, VOCAB, (n, SEQ), generator=gen)
    counts = torch.stack([(toks == t).sum(1) for t in (1, 2, 3)], 1)
    counts = counts * 4 - torch.arange(NCLS)  # ties go to the smaller token id
    return toks, counts.argmax(1)


gen = torch.Generator().manual_seed(11)
tr_x, tr_y = sample(2400, gen)
va_x, va_y = sample(600, gen)


class TinyEncoder(nn.Module):
    def __init__(self, d=32, heads=4, layers=2):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Parameter(torch.zeros(1, SEQ, d))
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(d)
        self.cls = nn.Linear(d, NCLS)

    def forward(self, t):
        h = self.enc(self.tok(t) + self.pos)
        return self.cls(self.norm(h.mean(1)))


model = TinyEncoder()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
EPOCHS, BS = 8, 64
steps_per_epoch = (len(tr_x) + BS - 1) // BS
total_steps, warmup = EPOCHS * steps_per_epoch, 60
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.05, 1 - s / total_steps))
ce = nn.CrossEntropyLoss()


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(va_x)
    return ce(logits, va_y).item(), (logits.argmax(1) == va_y).float().mean().item()


for ep in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(tr_x))
    ep_loss = 0.0
    for b in range(steps_per_epoch):
        idx = perm[b * BS:(b + 1) * BS]
        loss = ce(model(tr_x[idx]), tr_y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        ep_loss += loss.item()
    vl, va = evaluate()
    print(f"epoch {ep:2d} loss {ep_loss / steps_per_epoch:.4f} val_loss {vl:.4f} val_acc {va:.3f}")

print("validation accuracy:", round(va, 4))
