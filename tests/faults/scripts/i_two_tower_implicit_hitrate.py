"""Two-tower retrieval model trained on implicit feedback with sampled negatives.

Evaluates hit-rate@10 on a held-out interaction per user plus pointwise AUC.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

torch.manual_seed(3)
np.random.seed(3)
rng = np.random.default_rng(3)

n_users, n_items, k_true = 300, 400, 8
user_taste = rng.normal(size=(n_users, k_true))
item_style = rng.normal(size=(n_items, k_true))
affinity = user_taste @ item_style.T

# each user interacted with their 25 most-liked items (with some noise)
noisy = affinity + rng.normal(scale=0.5, size=affinity.shape)
liked = np.argsort(-noisy, axis=1)[:, :25]

train_pairs, val_pairs = [], []
for u in range(n_users):
    items = rng.permutation(liked[u])
    val_pairs.append((u, items[0]))
    train_pairs.extend((u, i) for i in items[1:])
train_pairs = np.array(train_pairs)
val_pairs = np.array(val_pairs)
seen = np.zeros((n_users, n_items), dtype=bool)
seen[train_pairs[:, 0], train_pairs[:, 1]] = True
val_negatives = rng.integers(0, n_items, size=len(val_pairs))


class Tower(nn.Module):
    def __init__(self, n, d_emb=32, d_out=32):
        super().__init__()
        self.emb = nn.Embedding(n, d_emb)
        self.proj = nn.Linear(d_emb, d_out)
        self.drop = nn.Dropout(0.1)
        nn.init.normal_(self.emb.weight, std=0.3)

    def forward(self, ids):
        e = self.emb(ids)
        return e + self.proj(self.drop(e))


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.user_tower = Tower(n_users)
        self.item_tower = Tower(n_items)

    def forward(self, u, i):
        return (self.user_tower(u) * self.item_tower(i)).sum(-1)

    def all_scores(self, u):
        return self.user_tower(u) @ self.item_tower(torch.arange(n_items)).T


def sample_batch(pairs, n_neg=2):
    u = np.repeat(pairs[:, 0], 1 + n_neg)
    pos = pairs[:, 1][:, None]
    neg = rng.integers(0, n_items, size=(len(pairs), n_neg))
    i = np.concatenate([pos, neg], axis=1).reshape(-1)
    y = np.tile(np.r_[1.0, np.zeros(n_neg)], len(pairs))
    return torch.tensor(u), torch.tensor(i), torch.tensor(y, dtype=torch.float32)


def evaluate(model):
    model.eval()
    with torch.no_grad():
        u = torch.tensor(val_pairs[:, 0])
        scores = model.all_scores(u).numpy()
        scores[seen[val_pairs[:, 0]]] = -np.inf
        target = scores[np.arange(len(val_pairs)), val_pairs[:, 1]]
        rank = (scores > target[:, None]).sum(1)
        hr10 = (rank < 10).mean()
        s_pos = model(u, torch.tensor(val_pairs[:, 1]))
        s_neg = model(u, torch.tensor(val_negatives))
        y = np.r_[np.ones(len(val_pairs)), np.zeros(len(val_pairs))]
        auc = roc_auc_score(y, torch.cat([s_pos, s_neg]).numpy())
        val_loss = F.binary_cross_entropy_with_logits(torch.cat([s_pos, s_neg]), torch.tensor(y, dtype=torch.float32)).item()
    return hr10, auc, val_loss


model = TwoTower()
opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-6)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)

best, best_state, bad_epochs, patience = np.inf, None, 0, 6
for epoch in range(30):
    model.train()
    perm = rng.permutation(len(train_pairs))
    losses = []
    for start in range(0, len(perm), 128):
        u, i, y = sample_batch(train_pairs[perm[start:start + 128]])
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(u, i), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    hr10, auc, val_loss = evaluate(model)
    plateau.step(val_loss)
    print(f"epoch {epoch:2d} train_bce {np.mean(losses):.4f} val_bce {val_loss:.4f} "
          f"HR@10 {hr10:.3f} AUC {auc:.3f} lr {opt.param_groups[0]['lr']:.2e}")
    if val_loss < best - 1e-4:
        best, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
hr10, auc, val_loss = evaluate(model)
print(f"best model: HR@10 {hr10:.3f}  AUC {auc:.3f}  val_bce {val_loss:.4f}")
