"""Three-topic forum post classifier: TextCNN with batch-norm and dropout."""
import random
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from sklearn.metrics import f1_score

random.seed(21); np.random.seed(21); torch.manual_seed(21)

filler = [f"f{i}" for i in range(200)]
topic_words = [["recipe", "oven", "flour"], ["engine", "tyre", "brake"], ["guitar", "chord", "amp"]]


def post(c):
    w = random.choices(filler, k=random.randint(10, 25))
    if random.random() < 0.8:
        w.insert(random.randrange(len(w)), random.choice(topic_words[c]))
    w.insert(random.randrange(len(w)), random.choice(topic_words[random.randrange(3)]))
    return w


labels = np.random.randint(0, 3, 900)
posts = [post(int(c)) for c in labels]
split = int(0.7 * len(posts))
order = np.random.permutation(len(posts))
tr_i, va_i = order[:split], order[split:]
vocab = {"<pad>": 0, "<unk>": 1}
for i in tr_i:
    for w in posts[i]:
        if w not in vocab:
            vocab[w] = len(vocab)
enc = [torch.tensor([vocab.get(w, 1) for w in p]) for p in posts]


def collate(rows):
    return pad_sequence([enc[i] for i in rows], batch_first=True), torch.tensor(labels[rows])


class TextCNN(nn.Module):
    def __init__(self, n_vocab, d=64, ch=64):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, d, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(d, ch, k) for k in (2, 3, 5))
        self.bn = nn.BatchNorm1d(3 * ch)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(3 * ch, 3)

    def forward(self, x):
        e = self.drop(self.emb(x)).transpose(1, 2)
        feats = [F.relu(conv(e)).amax(dim=2) for conv in self.convs]
        return self.fc(self.drop(self.bn(torch.cat(feats, 1))))


def evaluate(model, rows):
    model.eval()
    with torch.no_grad():
        x, y = collate(rows)
        logits = model(x)
    return F.cross_entropy(logits, y).item(), logits.argmax(1), y


model = TextCNN(len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
model.train()
for epoch in range(15):
    perm = np.random.permutation(tr_i)
    tl = 0.0
    for s in range(0, len(perm), 32):
        x, y = collate(perm[s:s + 32])
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        tl += loss.item() * len(y)
    _, ptr, ytr = evaluate(model, tr_i)
    vl, pv, yv = evaluate(model, va_i)
    print(f"epoch {epoch:2d} train_loss {tl / len(perm):.4f} train_acc {(ptr == ytr).float().mean():.3f} "
          f"val_loss {vl:.4f} val_acc {(pv == yv).float().mean():.3f}")

print("val macro-F1", round(f1_score(yv, pv, average="macro"), 3))
