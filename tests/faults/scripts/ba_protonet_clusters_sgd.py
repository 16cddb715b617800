import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- config ----
SEED = 5
WAY, SHOT, QUERY = 5, 3, 6
N_CLASSES = 30
TRAIN_CLASSES = 22
EPOCHS = 10
EPISODES = 30
LR = 0.8

torch.manual_seed(SEED)
gen = np.random.default_rng(SEED)

# ---- synthetic class clusters in a nonlinear feature space ----
centres = gen.normal(size=(N_CLASSES, 10)) * 1.2
proj = gen.normal(size=(10, 32)) / np.sqrt(10)
feats, labels = [], []
for c in range(N_CLASSES):
    z = centres[c] + 0.5 * gen.normal(size=(50, 10))
    feats.append(np.sin(z @ proj) + 0.4 * np.maximum(z @ proj, 0) + 0.2 * gen.normal(size=(50, 32)))
    labels.append(np.full(50, c))
feats = np.concatenate(feats).astype(np.float32)
labels = np.concatenate(labels)

seen = labels < TRAIN_CLASSES
mu, sigma = feats[seen].mean(axis=0), feats[seen].std(axis=0)
feats = (feats - mu) / sigma
data = torch.from_numpy(feats)
rows_of = {c: np.flatnonzero(labels == c) for c in range(N_CLASSES)}


def draw(class_pool, g):
    picked = g.choice(class_pool, WAY, replace=False)
    sup = np.stack([g.choice(rows_of[c], SHOT + QUERY, replace=False) for c in picked])
    s = data[sup[:, :SHOT].reshape(-1)]
    q = data[sup[:, SHOT:].reshape(-1)]
    return s, q, torch.arange(WAY).repeat_interleave(QUERY)


embed = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 64))
opt = torch.optim.SGD(embed.parameters(), lr=LR, momentum=0.9)


def episode_logits(s, q):
    protos = embed(s).reshape(WAY, SHOT, -1).mean(dim=1)
    return -((embed(q)[:, None, :] - protos[None]) ** 2).sum(-1)


train_pool = np.arange(TRAIN_CLASSES)
val_pool = np.arange(TRAIN_CLASSES, N_CLASSES)
for epoch in range(EPOCHS):
    embed.train()
    ls, acc = [], []
    for _ in range(EPISODES):
        s, q, t = draw(train_pool, gen)
        logits = episode_logits(s, q)
        loss = F.cross_entropy(logits, t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ls.append(loss.item())
        acc.append((logits.argmax(-1) == t).float().mean().item())
    print(f"epoch {epoch:2d}: loss={np.mean(ls):.4f} (max {np.max(ls):.2f}) episode acc={np.mean(acc):.3f}")

embed.eval()
vgen = np.random.default_rng(2024)
with torch.no_grad():
    vacc = [(episode_logits(s, q).argmax(-1) == t).float().mean().item()
            for s, q, t in (draw(val_pool, vgen) for _ in range(150))]
print(f"validation (novel classes) {WAY}-way {SHOT}-shot accuracy: {np.mean(vacc):.3f}")
