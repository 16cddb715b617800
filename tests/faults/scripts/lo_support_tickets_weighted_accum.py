import random
from collections import Counter
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import f1_score, balanced_accuracy_score

random.seed(17); np.random.seed(17); torch.manual_seed(17)
BASE = [f"b{i}" for i in range(150)] + "hi team need help with my please".split()
CUE = {0: ["invoice", "charge", "billing"], 1: ["crash", "error", "bug"], 2: ["password", "login", "locked"]}
PRIOR = [0.75, 0.17, 0.08]


def ticket(c):
    w = random.choices(BASE, k=random.randint(10, 24))
    for _ in range(random.randint(1, 2)):
        w.insert(random.randrange(len(w)), random.choice(CUE[c]))
    return w


Y = np.random.choice(3, size=2400, p=PRIOR)
T = [ticket(int(c)) for c in Y]
idx = np.random.permutation(len(T))
tr, va = idx[:1900], idx[1900:]
cnt = Counter(w for i in tr for w in T[i])
vocab = {"<unk>": 0, **{w: k + 1 for k, w in enumerate(w for w, n in cnt.items() if n >= 2)}}
ids = [[vocab.get(w, 0) for w in t] for t in T]

freq = np.bincount(Y[tr], minlength=3)
weights = torch.tensor(len(tr) / (3 * freq), dtype=torch.float32)
print("train class counts", freq.tolist(), "weights", weights.numpy().round(2))


def bag(rows):
    flat, offs = [], []
    for i in rows:
        offs.append(len(flat)); flat += ids[i]
    return torch.tensor(flat), torch.tensor(offs), torch.tensor(Y[rows])


class TicketNet(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.emb = nn.EmbeddingBag(n, 32, mode="mean")
        self.mlp = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3))

    def forward(self, t, o):
        return self.mlp(self.emb(t, o))


model = TicketNet(len(vocab))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
crit = nn.CrossEntropyLoss(weight=weights)
ACC, MB = 4, 16
for ep in range(8):
    model.train()
    order = np.random.permutation(tr)
    opt.zero_grad()
    run = 0.0
    chunks = [order[s:s + MB] for s in range(0, len(order), MB)]
    for k, rows in enumerate(chunks):
        t, o, y = bag(rows)
        loss = crit(model(t, o), y)
        (loss / ACC).backward()
        run += loss.item()
        if (k + 1) % ACC == 0 or k + 1 == len(chunks):
            opt.step()
            opt.zero_grad()
    model.eval()
    with torch.no_grad():
        t, o, y = bag(va)
        p = model(t, o).argmax(1)
    print(f"epoch {ep + 1} loss {run / len(chunks):.4f} val acc {(p == y).float().mean():.3f} "
          f"bal acc {balanced_accuracy_score(y, p):.3f}")
print("val macro F1:", round(f1_score(y, p, average="macro"), 3))
