import random
from collections import Counter
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import f1_score

random.seed(11); np.random.seed(11); torch.manual_seed(11)

words = [f"v{i}" for i in range(150)] + ["hotel", "room", "staff", "bed", "view", "pool"]
sig = {1: ["clean", "friendly", "spacious", "cozy"], 0: ["dirty", "rude", "noisy", "cramped"]}


def gen(y):
    t = random.choices(words, k=random.randint(8, 22))
    for _ in range(random.randint(1, 2)):
        t.insert(random.randrange(len(t)), random.choice(sig[y]))
    if random.random() < 0.25:
        t.insert(random.randrange(len(t)), random.choice(sig[1 - y]))
    return t


corpus = [(gen(y), y) for y in np.random.randint(0, 2, 2000).tolist()]
random.shuffle(corpus)
train, valid = corpus[:1600], corpus[1600:]
cnt = Counter(w for t, _ in train for w in t)
itos = ["<unk>"] + [w for w, c in cnt.most_common() if c > 1]
stoi = {w: i for i, w in enumerate(itos)}


def pack(rows):
    seqs = [torch.tensor([stoi.get(w, 0) for w in t]) for t, _ in rows]
    offsets = torch.tensor([0] + [len(s) for s in seqs[:-1]]).cumsum(0)
    return torch.cat(seqs), offsets, torch.tensor([y for _, y in rows])


class Model(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.emb = nn.EmbeddingBag(n, 24, mode="mean")
        self.lin = nn.Linear(24, 2)

    def forward(self, t, o):
        return self.lin(self.emb(t, o))


net = Model(len(itos))
optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
criterion = nn.CrossEntropyLoss()
vt, vo, vy = pack(valid)

for epoch in range(8):
    net.train()
    random.shuffle(train)
    losses = []
    for k in range(0, len(train), 32):
        t, o, y = pack(train[k:k + 32])
        out = net(t, o)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        pv = net(vt, vo).argmax(1)
    print(f"[{epoch + 1}/8] train loss {np.mean(losses):.4f} | val acc {(pv == vy).float().mean():.3f}")

print("macro F1 on validation:", f1_score(vy, pv, average="macro"))
