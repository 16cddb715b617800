"""Implicit-feedback matrix factorisation trained with BPR, scored by hit-rate@10."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(7)
torch.manual_seed(7)

n_users, n_items, dim = 400, 300, 16
true_u = rng.normal(size=(n_users, 6))
true_i = rng.normal(size=(n_items, 6))
affinity = true_u @ true_i.T
# each user interacts with their 20 highest-affinity items (plus noise)
noisy = affinity + rng.normal(scale=0.5, size=affinity.shape)
top = np.argsort(-noisy, axis=1)[:, :20]

train_pairs, held_out = [], np.zeros(n_users, dtype=np.int64)
seen = np.zeros((n_users, n_items), dtype=bool)
for uid in range(n_users):
    items = rng.permutation(top[uid])
    held_out[uid] = items[0]
    for it in items[1:]:
        train_pairs.append((uid, it))
        seen[uid, it] = True
train_pairs = np.array(train_pairs)
print(f"{len(train_pairs)} training interactions, {n_users} held-out")


class BPRMF(nn.Module):
    def __init__(self):
        super().__init__()
        self.user = nn.Embedding(n_users, dim)
        self.item = nn.Embedding(n_items, dim)
        nn.init.normal_(self.user.weight, std=0.05)
        nn.init.normal_(self.item.weight, std=0.05)

    def score(self, u, i):
        return (self.user(u) * self.item(i)).sum(-1)


def sample_negatives(users):
    neg = rng.integers(0, n_items, size=len(users))
    bad = seen[users, neg]
    while bad.any():
        neg[bad] = rng.integers(0, n_items, size=bad.sum())
        bad = seen[users, neg]
    return neg


def hit_rate(model, k=10):
    model.eval()
    with torch.no_grad():
        scores = model.user.weight @ model.item.weight.T
        scores[torch.from_numpy(seen)] = -1e9
        topk = scores.topk(k, dim=1).indices.numpy()
    return (topk == held_out[:, None]).any(1).mean()


model = BPRMF()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-6)
batch = 512

for epoch in range(20):
    model.train()
    order = rng.permutation(len(train_pairs))
    running = 0.0
    for start in range(0, len(order), batch):
        rows = train_pairs[order[start:start + batch]]
        users = torch.from_numpy(rows[:, 0])
        pos = torch.from_numpy(rows[:, 1])
        neg = torch.from_numpy(sample_negatives(rows[:, 0]))
        diff = model.score(users, pos) - model.score(users, neg)
        loss = -F.logsigmoid(diff).mean() + 1e-5 * (model.user(users).pow(2).sum() / len(users))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * len(rows)
    if epoch % 4 == 3 or epoch == 0:
        print(f"epoch {epoch + 1:02d} bpr loss {running / len(train_pairs):.4f} HR@10 {hit_rate(model):.3f}")

print(f"final HR@10 = {hit_rate(model):.3f}")
