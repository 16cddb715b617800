# 1-D conv tagger: per-position labels (4 tags) for synthetic signal sequences.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

N_SEQ, T, C, N_TAGS = 800, 48, 3, 4


def make_sequences(n, rng):
    tags = np.zeros((n, T), dtype=np.int64)
    x = rng.normal(scale=0.4, size=(n, C, T)).astype(np.float32)
    for s in range(n):
        t = 0
        while t < T:
            seg = rng.integers(3, 10)
            tag = rng.integers(0, N_TAGS)
            tags[s, t:t + seg] = tag
            if tag == 1:
                x[s, 0, t:t + seg] += 1.5
            elif tag == 2:
                x[s, 1, t:t + seg] -= 1.5
            elif tag == 3:
                x[s, 2, t:t + seg] += np.sin(np.arange(min(seg, T - t)) * 2.0) * 2
            t += seg
    return x, tags


rng = np.random.default_rng(5)
X, Y = make_sequences(N_SEQ, rng)
Xtr, Ytr, Xva, Yva = X[:640], Y[:640], X[640:], Y[640:]
m = Xtr.mean(axis=(0, 2), keepdims=True)
s = Xtr.std(axis=(0, 2), keepdims=True)
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
Xtr, Ytr, Xva, Yva = map(torch.from_numpy, (Xtr, Ytr, Xva, Yva))


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(C, 32, 5, padding=2)
        self.c2 = nn.Conv1d(32, 32, 5, padding=2)
        self.head = nn.Conv1d(32, N_TAGS, 1)

    def forward(self, x):
        h = F.relu(self.c1(x))
        h = F.relu(self.c2(h))
        return self.head(h)  # (B, tags, T)


tagger = Tagger()
opt = torch.optim.SGD(tagger.parameters(), lr=0.05, momentum=0.9)
BATCH = 32

for epoch in range(12):
    tagger.train()
    perm = torch.randperm(len(Xtr))
    losses = []
    for k in range(0, len(perm), BATCH):
        b = perm[k:k + BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(tagger(Xtr[b]), Ytr[b], reduction="sum")
        loss.backward()
        opt.step()
        losses.append(loss.item() / (len(b) * T))
    tagger.eval()
    with torch.no_grad():
        pred = tagger(Xva).argmax(1)
    acc = (pred == Yva).float().mean().item()
    print(f"epoch {epoch + 1:2d}  per-token loss {np.mean(losses):.4f}  val token acc {acc:.3f}")

f1s = []
for c in range(N_TAGS):
    tp = ((pred == c) & (Yva == c)).sum().item()
    fp = ((pred == c) & (Yva != c)).sum().item()
    fn = ((pred != c) & (Yva == c)).sum().item()
    f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
print(f"val macro-F1 over tags: {np.mean(f1s):.3f}")
