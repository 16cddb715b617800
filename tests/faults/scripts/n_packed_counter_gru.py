"""Variable-length token sequences -> how many times the 'marker' token occurs
(0..7). Sequences are padded and fed through pack_padded_sequence."""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(21)
torch.set_num_threads(1)
rs = np.random.RandomState(21)

PAD, MARKER, VOCAB = 0, 1, 12
MAX_LEN, N_OUT = 30, 8


def gen(n):
    lens = rs.randint(10, MAX_LEN + 1, size=n)
    x = np.zeros((n, MAX_LEN), dtype=np.int64)
    y = np.zeros(n, dtype=np.int64)
    for i, L in enumerate(lens):
        k = rs.randint(0, N_OUT)
        toks = rs.randint(2, VOCAB, size=L)
        toks[rs.choice(L, size=k, replace=False)] = MARKER
        x[i, :L] = toks
        y[i] = k
    return torch.from_numpy(x), torch.from_numpy(lens), torch.from_numpy(y)


tr = gen(2400)
va = gen(600)


class Counter(nn.Module):
    def __init__(self, emb=16, hidden=2):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, emb, padding_idx=PAD)
        self.rnn = nn.GRU(emb, hidden, batch_first=True)
        self.cls = nn.Linear(hidden, N_OUT)

    def forward(self, x, lens):
        packed = pack_padded_sequence(self.emb(x), lens.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.cls(h[-1])


model = Counter()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12)
lossf = nn.CrossEntropyLoss()


def accuracy(split):
    x, l, y = split
    model.eval()
    with torch.no_grad():
        return (model(x, l).argmax(1) == y).float().mean().item()


for ep in range(12):
    model.train()
    perm = torch.randperm(len(tr[0]))
    tot, n = 0.0, 0
    for s in range(0, len(perm), 48):
        b = perm[s:s + 48]
        opt.zero_grad()
        loss = lossf(model(tr[0][b], tr[1][b]), tr[2][b])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        tot += loss.item() * len(b)
        n += len(b)
    sched.step()
    print(f"[{ep + 1:02d}] loss={tot / n:.4f} train_acc={accuracy(tr):.3f} val_acc={accuracy(va):.3f}")

print(f"done. train acc {accuracy(tr):.3f} | val acc {accuracy(va):.3f}")
