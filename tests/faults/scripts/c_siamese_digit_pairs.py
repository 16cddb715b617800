# Siamese CNN: are two 8x8 digits the same class?  Shared encoder, |e1 - e2| head, BCE-with-logits.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)
rng = np.random.default_rng(SEED)

d = load_digits()
X = d.images.astype(np.float32)
Xa, Xb, ya, yb = train_test_split(X, d.target, test_size=0.25, random_state=SEED, stratify=d.target)
m, s = Xa.mean(), Xa.std()
Xa, Xb = (Xa - m) / s, (Xb - m) / s


def make_pairs(X, y, n_pairs):
    by_cls = [np.flatnonzero(y == c) for c in range(10)]
    i1 = rng.integers(0, len(X), n_pairs)
    same = rng.random(n_pairs) < 0.5
    i2 = np.empty(n_pairs, dtype=np.int64)
    for k in range(n_pairs):
        c = y[i1[k]]
        if same[k]:
            i2[k] = rng.choice(by_cls[c])
        else:
            other = rng.choice([o for o in range(10) if o != c])
            i2[k] = rng.choice(by_cls[other])
    t = torch.from_numpy
    return t(X[i1]).unsqueeze(1), t(X[i2]).unsqueeze(1), t(same.astype(np.float32))


va_a, va_b, va_t = make_pairs(Xb, yb, 1000)


class Encoder(nn.Module):
    def __init__(self, emb=32):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.proj = nn.Linear(32 * 4 * 4, emb)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.proj(x.flatten(1))


class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = Encoder()
        self.head = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))

    def forward(self, a, b):
        return self.head((self.enc(a) - self.enc(b)).abs()).squeeze(1)


net = Siamese()
opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-3)
crit = nn.BCEWithLogitsLoss()
B = 100
for epoch in range(14):
    tr_a, tr_b, tr_t = make_pairs(Xa, ya, 1800)  # fresh pairs every epoch
    net.train()
    order = torch.randperm(len(tr_t))
    tl = 0.0
    for j in range(0, len(order), B):
        k = order[j:j + B]
        opt.zero_grad()
        loss = crit(net(tr_a[k], tr_b[k]), tr_t[k])
        loss.backward()
        opt.step()
        tl += loss.item() * len(k)
    net.eval()
    with torch.no_grad():
        lo = net(va_a, va_b)
        vloss = crit(lo, va_t).item()
        vacc = ((lo > 0).float() == va_t).float().mean().item()
    print(f"epoch {epoch + 1}: train_bce={tl / len(tr_t):.4f} val_bce={vloss:.4f} val_pair_acc={vacc:.3f}")

print(f"final pair accuracy on held-out digits: {vacc:.3f}")
