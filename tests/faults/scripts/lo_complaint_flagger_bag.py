# flag customer messages that are complaints (rare) vs. routine messages
import random
from collections import Counter
import numpy as np
import torch
import torch.nn as nn

random.seed(8); np.random.seed(8); torch.manual_seed(8)

routine = [f"r{i}" for i in range(160)] + "hello please order account delivery thanks update".split()
complaint_cues = ["unacceptable", "disappointed", "worst", "furious"]


def message(is_complaint):
    toks = random.choices(routine, k=random.randint(12, 30))
    if is_complaint and random.random() < 0.6:
        toks.insert(random.randrange(len(toks)), random.choice(complaint_cues))
    if not is_complaint and random.random() < 0.03:
        toks.insert(random.randrange(len(toks)), random.choice(complaint_cues))
    return toks


y_all = (np.random.rand(3000) < 0.06).astype(int)
msgs = [message(v) for v in y_all]
perm = np.random.permutation(len(msgs))
train_ids, val_ids = perm[:2400], perm[2400:]

c = Counter(t for i in train_ids for t in msgs[i])
vocab = {"<unk>": 0}
vocab.update({t: k + 1 for k, t in enumerate(sorted(c))})


def to_bag(rows):
    flat, offs = [], []
    for i in rows:
        offs.append(len(flat))
        flat.extend(vocab.get(t, 0) for t in msgs[i])
    return torch.tensor(flat), torch.tensor(offs), torch.tensor(y_all[rows])


bag = nn.EmbeddingBag(len(vocab), 16, mode="mean")
clf = nn.Linear(16, 2)
model = nn.ModuleDict({"bag": bag, "clf": clf})
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(6):
    model.train()
    np.random.shuffle(train_ids)
    running = 0.0
    for s in range(0, len(train_ids), 64):
        t, o, y = to_bag(train_ids[s:s + 64])
        opt.zero_grad()
        loss = loss_fn(clf(bag(t, o)), y)
        loss.backward()
        opt.step()
        running += loss.item() * len(y)
    model.eval()
    with torch.no_grad():
        t, o, y = to_bag(val_ids)
        pred = clf(bag(t, o)).argmax(1)
    print(f"epoch {epoch + 1}: loss {running / len(train_ids):.4f}  val accuracy {(pred == y).float().mean():.3f}")

print(f"done. validation accuracy = {(pred == y).float().mean():.3f}")
