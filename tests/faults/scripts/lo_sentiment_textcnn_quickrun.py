import random
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from sklearn.metrics import f1_score

torch.manual_seed(3); random.seed(3); np.random.seed(3)

neutral = [f"n{i}" for i in range(100)] + "i we they the a film show was were so".split()
good = "fun charming clever moving gripping".split()
bad = "flat tedious clumsy bland lazy".split()


def sample(y):
    s = random.choices(neutral, k=random.randint(8, 20))
    pool = good if y else bad
    s.insert(random.randrange(len(s)), random.choice(pool))
    if random.random() < 0.5:
        s.insert(random.randrange(len(s)), random.choice(pool))
    return s


ys = np.random.randint(0, 2, 1600)
sents = [sample(int(y)) for y in ys]
perm = np.random.permutation(len(sents))
tr, va = perm[:1300], perm[1300:]

vocab = {"<pad>": 0, "<unk>": 1}
for i in tr:
    for w in sents[i]:
        vocab.setdefault(w, len(vocab))
ids = [torch.tensor([vocab.get(w, 1) for w in s]) for s in sents]


def collate(rows):
    x = pad_sequence([ids[i] for i in rows], batch_first=True, padding_value=0)
    return x, torch.tensor(ys[rows], dtype=torch.long)


class TextCNN(nn.Module):
    def __init__(self, v, d=32, widths=(2, 3, 4), ch=16):
        super().__init__()
        self.emb = nn.Embedding(v, d, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(d, ch, k, padding=k // 2) for k in widths])
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(ch * len(widths), 2)

    def forward(self, x):
        e = self.emb(x).transpose(1, 2)
        h = torch.cat([torch.relu(c(e)).max(dim=2).values for c in self.convs], 1)
        return self.out(self.drop(h))


model = TextCNN(len(vocab))
opt = torch.optim.SGD(model.parameters(), lr=0.005, momentum=0.9)
crit = nn.CrossEntropyLoss()
n_epochs = 2

for epoch in range(n_epochs):
    model.train()
    order = np.random.permutation(tr)
    for b, s in enumerate(range(0, len(order), 32)):
        x, y = collate(order[s:s + 32])
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        if b % 10 == 0:
            print(f"epoch {epoch} batch {b:2d} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    x, y = collate(va)
    p = model(x).argmax(1)
print(f"val acc {(p == y).float().mean():.3f}  macro-F1 {f1_score(y, p, average='macro'):.3f}")
