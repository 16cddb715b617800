# 4-way topic classification of generated headlines, EmbeddingBag over unigrams+bigrams
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from sklearn.metrics import f1_score

SEED = 1
random.seed(SEED); np.random.seed(SEED); torch.manual_seed(SEED)

TOPICS = {
    0: ["match", "goal", "league", "coach", "striker"],
    1: ["market", "stocks", "profit", "bank", "shares"],
    2: ["election", "senate", "vote", "minister", "policy"],
    3: ["robot", "chip", "software", "startup", "laptop"],
}
COMMON = "the of in on for with new after over says report today week big first".split()
COMMON += [f"w{k}" for k in range(120)]


def headline(topic):
    words = random.choices(COMMON, k=random.randint(6, 14))
    for _ in range(random.randint(1, 2)):
        words.insert(random.randrange(len(words) + 1), random.choice(TOPICS[topic]))
    if random.random() < 0.35:
        words.insert(random.randrange(len(words) + 1), random.choice(TOPICS[random.randrange(4)]))
    return words


def features(words):
    return words + [a + "_" + b for a, b in zip(words, words[1:])]


data = [(headline(t), t) for t in [random.randrange(4) for _ in range(2000)]]
random.shuffle(data)
train_rows, val_rows = data[:1600], data[1600:]

freq = Counter(f for w, _ in train_rows for f in features(w))
vocab = {"<unk>": 0}
for f, c in freq.items():
    if c >= 3:
        vocab[f] = len(vocab)
print("vocab size", len(vocab))


class Headlines(Dataset):
    def __init__(self, rows):
        self.items = [(torch.tensor([vocab.get(f, 0) for f in features(w)]), y) for w, y in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    lengths = [len(t) for t, _ in batch]
    offsets = torch.tensor([0] + lengths[:-1]).cumsum(0)
    return torch.cat([t for t, _ in batch]), offsets, torch.tensor([y for _, y in batch])


train_dl = DataLoader(Headlines(train_rows), batch_size=32, shuffle=True, collate_fn=collate)
val_dl = DataLoader(Headlines(val_rows), batch_size=256, collate_fn=collate)

emb = nn.EmbeddingBag(len(vocab), 48, mode="mean")
head = nn.Linear(48, 4)
params = list(emb.parameters()) + list(head.parameters())
opt = torch.optim.SGD(params, lr=0.2, momentum=0.9)


def forward(tok, off):
    return head(emb(tok, off))


for ep in range(6):
    emb.train(); head.train()
    run, n = 0.0, 0
    for tok, off, y in train_dl:
        opt.zero_grad()
        loss = F.cross_entropy(forward(tok, off), y, reduction="sum")
        loss.backward()
        opt.step()
        run += loss.item(); n += len(y)
    emb.eval(); head.eval()
    preds, gold = [], []
    with torch.no_grad():
        for tok, off, y in val_dl:
            preds.append(forward(tok, off).argmax(1)); gold.append(y)
    preds, gold = torch.cat(preds), torch.cat(gold)
    print(f"ep {ep} loss/row {run / n:.4f}  val acc {(preds == gold).float().mean():.3f}")

print("val macro F1 =", round(f1_score(gold, preds, average="macro"), 3))
