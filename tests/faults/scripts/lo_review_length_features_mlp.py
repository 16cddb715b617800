"""Review polarity from handcrafted count features (keyword counts + length stats)."""
import random
import numpy as np
import torch
from torch import nn
from sklearn.metrics import f1_score

rng = random.Random(5)
np.random.seed(5)
torch.manual_seed(5)

BASE = [f"x{i}" for i in range(80)] + ["product", "shipping", "box", "price", "item", "it", "was"]
UP = ["perfect", "sturdy", "recommend", "happy"]
DOWN = ["broken", "refund", "cheap", "returned"]
KEYS = UP + DOWN


def review(y):
    w = rng.choices(BASE, k=rng.randint(10, 60))
    for _ in range(rng.randint(1, 3)):
        w.insert(rng.randrange(len(w)), rng.choice(UP if y else DOWN))
    if rng.random() < 0.3:
        w.insert(rng.randrange(len(w)), rng.choice(DOWN if y else UP))
    if not y:
        w += ["!"] * rng.randint(0, 3)
    return w


def featurize(words):
    text = " ".join(words)
    kw = [words.count(k) for k in KEYS]
    return kw + [len(text), len(words), text.count("!"), sum(len(t) for t in words) / len(words)]


y = np.array([rng.randint(0, 1) for _ in range(2000)])
X = np.array([featurize(review(t)) for t in y], dtype=np.float32)
idx = np.random.permutation(len(y))
tr, va = idx[:1600], idx[1600:]
print("feature ranges:", X[tr].min(0).round(1), X[tr].max(0).round(1))

Xtr, Xva = torch.tensor(X[tr]), torch.tensor(X[va])
ytr, yva = torch.tensor(y[tr]), torch.tensor(y[va])

model = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
lossf = nn.CrossEntropyLoss()

for ep in range(25):
    model.train()
    perm = torch.randperm(len(ytr))
    tot = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        l = lossf(model(Xtr[b]), ytr[b])
        l.backward()
        opt.step()
        tot += l.item() * len(b)
    if ep % 5 == 4 or ep == 0:
        model.eval()
        with torch.no_grad():
            acc = (model(Xva).argmax(1) == yva).float().mean().item()
        print(f"epoch {ep + 1} loss {tot / len(ytr):.4f} val_acc {acc:.3f}")

model.eval()
with torch.no_grad():
    pred = model(Xva).argmax(1)
print("val macro F1:", round(f1_score(yva, pred, average="macro"), 3))
