"""Bag-of-words sentiment classifier on synthetic reviews (EmbeddingBag + offsets)."""
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import f1_score

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

FILLER = ["the", "a", "movie", "film", "plot", "actor", "scene", "story", "was", "is",
          "and", "but", "it", "this", "that", "very", "quite", "really", "time", "music",
          "ending", "character", "director", "script"] + [f"tok{i}" for i in range(150)]
POS = ["great", "excellent", "loved", "wonderful", "brilliant", "superb"]
NEG = ["awful", "boring", "terrible", "hated", "dull", "mess"]


def make_review(label):
    n = random.randint(10, 24)
    words = random.choices(FILLER, k=n)
    own, other = (POS, NEG) if label == 1 else (NEG, POS)
    for _ in range(random.randint(1, 2)):
        words.insert(random.randrange(len(words)), random.choice(own))
    if random.random() < 0.3:
        words.insert(random.randrange(len(words)), random.choice(other))
    return " ".join(words)


labels = [random.randint(0, 1) for _ in range(3000)]
texts = [make_review(y) for y in labels]
idx = list(range(len(texts)))
random.shuffle(idx)
train_idx, val_idx = idx[:2400], idx[2400:]

counts = Counter(w for i in train_idx for w in texts[i].split())
itos = ["<unk>"] + sorted(w for w, c in counts.items() if c >= 2)
stoi = {w: i for i, w in enumerate(itos)}


def encode(t):
    return [stoi.get(w, 0) for w in t.split()]


encoded = [encode(t) for t in texts]


def batchify(rows):
    toks, offs, ys = [], [0], []
    for i in rows:
        ids = encoded[i]
        toks.extend(ids)
        offs.append(offs[-1] + len(ids))
        ys.append(labels[i])
    return torch.tensor(toks), torch.tensor(offs[:-1]), torch.tensor(ys)


class BagClassifier(nn.Module):
    def __init__(self, vocab, dim=32, classes=2):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, classes)

    def forward(self, tokens, offsets):
        return self.fc(self.bag(tokens, offsets))


model = BagClassifier(len(itos))
EPOCHS, BS = 6, 64
steps_per_epoch = (len(train_idx) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-2, epochs=EPOCHS,
                                            steps_per_epoch=steps_per_epoch)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(EPOCHS):
    model.train()
    order = train_idx[:]
    random.shuffle(order)
    total = 0.0
    for s in range(0, len(order), BS):
        tok, off, y = batchify(order[s:s + BS])
        opt.zero_grad()
        loss = loss_fn(model(tok, off), y)
        loss.backward()
        opt.step()
        sched.step()
        total += loss.item() * len(y)
    model.eval()
    with torch.no_grad():
        tok, off, y = batchify(val_idx)
        logits = model(tok, off)
        vloss = loss_fn(logits, y).item()
        pred = logits.argmax(1)
    print(f"epoch {epoch + 1:2d} train_loss {total / len(order):.4f} val_loss {vloss:.4f} "
          f"val_acc {(pred == y).float().mean():.3f}")

print(f"final val macro-F1: {f1_score(y.numpy(), pred.numpy(), average='macro'):.3f}")
