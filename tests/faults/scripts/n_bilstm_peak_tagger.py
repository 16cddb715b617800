# Token tagging with a bidirectional LSTM: tag every position whose value is a
# strict local peak (greater than both neighbours). Padding is ignored in the loss.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

V, MAXT, IGNORE = 10, 20, -100
PAD = V  # extra index for padding


def make(n):
    lens = np.random.randint(6, MAXT + 1, size=n)
    toks = np.full((n, MAXT), PAD, dtype=np.int64)
    tags = np.full((n, MAXT), IGNORE, dtype=np.int64)
    for i, L in enumerate(lens):
        s = np.random.randint(0, V, size=L)
        left = np.concatenate([[-1], s[:-1]])
        right = np.concatenate([s[1:], [-1]])
        toks[i, :L] = s
        tags[i, :L] = ((s > left) & (s > right)).astype(np.int64)
    return torch.tensor(toks), torch.tensor(tags)


train_x, train_y = make(2000)
val_x, val_y = make(500)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V + 1, 24, padding_idx=PAD)
        self.enc = nn.LSTM(24, 48, batch_first=True, bidirectional=True)
        self.tag = nn.Linear(96, 2)

    def forward(self, x):
        out, _ = self.enc(self.emb(x))
        return self.tag(out)


tagger = Tagger()
opt = torch.optim.Adam(tagger.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
criterion = nn.CrossEntropyLoss(ignore_index=IGNORE)

MICRO, ACCUM = 16, 4  # effective batch 64
for epoch in range(10):
    tagger.train()
    perm = torch.randperm(len(train_x))
    opt.zero_grad()
    total, count = 0.0, 0
    n_micro = (len(perm) + MICRO - 1) // MICRO
    for j in range(n_micro):
        b = perm[j * MICRO:(j + 1) * MICRO]
        logits = tagger(train_x[b])
        loss = criterion(logits.reshape(-1, 2), train_y[b].reshape(-1))
        (loss / ACCUM).backward()
        total += loss.item()
        count += 1
        if (j + 1) % ACCUM == 0 or j + 1 == n_micro:
            nn.utils.clip_grad_norm_(tagger.parameters(), 2.0)
            opt.step()
            opt.zero_grad()
    sched.step()
    tagger.eval()
    with torch.no_grad():
        pred = tagger(val_x).argmax(-1)
        m = val_y != IGNORE
        acc = (pred[m] == val_y[m]).float().mean().item()
        tp = ((pred == 1) & (val_y == 1) & m).sum().item()
        f1 = 2 * tp / (((pred == 1) & m).sum().item() + (val_y == 1).sum().item() + 1e-9)
    print(f"epoch {epoch + 1}: loss {total / count:.4f}  val tag acc {acc:.4f}  peak F1 {f1:.4f}")

print(f"final val tag accuracy {acc:.4f}, F1 {f1:.4f}")
