import random
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from sklearn.metrics import f1_score

random.seed(4); np.random.seed(4); torch.manual_seed(4)

GENERIC = [f"g{i}" for i in range(120)] + "my the is a and to it on".split()
CUES = [["pizza", "pasta", "spicy"], ["football", "tennis", "score"], ["rain", "sunny", "storm"]]


def make(c):
    w = random.choices(GENERIC, k=random.randint(8, 18))
    for _ in range(random.randint(1, 2)):
        w.insert(random.randrange(len(w)), random.choice(CUES[c]))
    if random.random() < 0.3:
        w.insert(random.randrange(len(w)), random.choice(CUES[random.randrange(3)]))
    return w


Y = np.random.randint(0, 3, 1500)
S = [make(int(c)) for c in Y]
p = np.random.permutation(len(S))
tr, va = p[:1200], p[1200:]
vocab = {"<pad>": 0, "<unk>": 1}
for i in tr:
    for w in S[i]:
        vocab.setdefault(w, len(vocab))
E = [torch.tensor([vocab.get(w, 1) for w in s]) for s in S]


def collate(rows):
    return pad_sequence([E[i] for i in rows], batch_first=True), torch.from_numpy(Y[rows]).long()


class CNN(nn.Module):
    def __init__(self, v):
        super().__init__()
        self.emb = nn.Embedding(v, 32, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(32, 24, k, padding=1) for k in (1, 2, 3))
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(72, 3)

    def forward(self, x):
        e = self.emb(x).transpose(1, 2)
        return self.fc(self.drop(torch.cat([F.relu(c(e)).amax(2) for c in self.convs], 1)))


model = CNN(len(vocab))
EPOCHS = 10
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
for ep in range(EPOCHS):
    model.train()
    order = np.random.permutation(tr)
    tot = 0.0
    for s in range(0, len(order), 32):
        x, y = collate(order[s:s + 32])
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(y)
    sched.step()
    model.eval()
    with torch.no_grad():
        x, y = collate(va)
        out = model(x)
    print(f"ep {ep + 1:2d} lr {sched.get_last_lr()[0]:.5f} train {tot / len(order):.4f} "
          f"val {F.cross_entropy(out, y).item():.4f} acc {(out.argmax(1) == y).float().mean():.3f}")
print("macro F1", round(f1_score(y, out.argmax(1), average="macro"), 3))
