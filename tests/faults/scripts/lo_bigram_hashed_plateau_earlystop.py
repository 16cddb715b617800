"""Sentiment with hashed unigram+bigram EmbeddingBag, ReduceLROnPlateau and early stopping."""
import copy
import random
from collections import Counter
import numpy as np
import torch
from torch import nn
from sklearn.metrics import f1_score

random.seed(13); np.random.seed(13); torch.manual_seed(13)
fill = [f"t{i}" for i in range(140)] + ["the", "song", "album", "track", "voice", "beat"]
pos, neg = ["catchy", "fresh", "uplifting"], ["noisy", "stale", "grating"]


def gen(y):
    w = random.choices(fill, k=random.randint(8, 20))
    w.insert(random.randrange(len(w)), random.choice(pos if y else neg))
    if random.random() < 0.2:
        w.insert(random.randrange(len(w)), "not")
    return w


ys = np.random.randint(0, 2, 2000)
docs = [gen(int(v)) for v in ys]
perm = np.random.permutation(2000)
tr, va = perm[:1600], perm[1600:]


def grams(w):
    return w + [f"{a}|{b}" for a, b in zip(w, w[1:])]


cnt = Counter(g for i in tr for g in grams(docs[i]))
vocab = {"<unk>": 0}
for g, n in cnt.items():
    if n >= 2:
        vocab[g] = len(vocab)
enc = [torch.tensor([vocab.get(g, 0) for g in grams(d)]) for d in docs]


def batch(rows):
    lens = torch.tensor([len(enc[i]) for i in rows])
    offs = torch.cat([torch.zeros(1, dtype=torch.long), lens.cumsum(0)[:-1]])
    return torch.cat([enc[i] for i in rows]), offs, torch.from_numpy(ys[rows]).long()


class Bag(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.e = nn.EmbeddingBag(n, 32)
        self.drop = nn.Dropout(0.2)
        self.o = nn.Linear(32, 2)

    def forward(self, t, o):
        return self.o(self.drop(self.e(t, o)))


net = Bag(len(vocab))
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
crit = nn.CrossEntropyLoss()
best, best_state, bad = float("inf"), None, 0
vt, vo, vy = batch(va)
for ep in range(30):
    net.train()
    sh = np.random.permutation(tr)
    losses = []
    for s in range(0, len(sh), 64):
        t, o, y = batch(sh[s:s + 64])
        opt.zero_grad()
        l = crit(net(t, o), y)
        l.backward()
        opt.step()
        losses.append(l.item())
    net.eval()
    with torch.no_grad():
        vl = crit(net(vt, vo), vy).item()
    plateau.step(vl)
    print(f"epoch {ep + 1} train {np.mean(losses):.4f} val {vl:.4f} lr {opt.param_groups[0]['lr']:.4g}")
    if vl < best - 1e-4:
        best, best_state, bad = vl, copy.deepcopy(net.state_dict()), 0
    else:
        bad += 1
        if bad >= 3:
            print("early stopping")
            break
net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    pr = net(vt, vo).argmax(1)
print(f"best val loss {best:.4f} acc {(pr == vy).float().mean():.3f} macro-F1 {f1_score(vy, pr, average='macro'):.3f}")
