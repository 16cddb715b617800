# Matching-network style few-shot learner with a cosine-similarity head.
# Synthetic class clusters; validation uses classes never seen in training.
import math
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

def make_clusters(n_classes=40, per_class=60, latent=12, dim=40, seed=SEED):
    g = np.random.default_rng(seed)
    centers = g.normal(0, 1.0, size=(n_classes, latent))
    mix = g.normal(0, 1 / math.sqrt(latent), size=(latent, dim))
    xs, ys = [], []
    for c in range(n_classes):
        z = centers[c] + 0.55 * g.normal(size=(per_class, latent))
        x = np.tanh(z @ mix) * 3.0 + 0.3 * g.normal(size=(per_class, dim)) + 5.0
        xs.append(x)
        ys.append(np.full(per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)

X, Y = make_clusters()
train_cls = np.arange(0, 30)
val_cls = np.arange(30, 40)
tr_mask = np.isin(Y, train_cls)
mu, sd = X[tr_mask].mean(0), X[tr_mask].std(0) + 1e-6
X = (X - mu) / sd
Xt = torch.from_numpy(X)

by_class = {c: np.where(Y == c)[0] for c in np.unique(Y)}

def episode(pool, g, way=5, shot=1, query=8):
    chosen = g.choice(pool, way, replace=False)
    s_idx, q_idx = [], []
    for c in chosen:
        ids = g.choice(by_class[c], shot + query, replace=False)
        s_idx += list(ids[:shot]); q_idx += list(ids[shot:])
    ys = torch.arange(way).repeat_interleave(shot)
    yq = torch.arange(way).repeat_interleave(query)
    return Xt[s_idx], ys, Xt[q_idx], yq


class CosineMatcher(nn.Module):
    def __init__(self, d=40, h=96, e=48):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Dropout(0.1),
                               nn.Linear(h, h), nn.ReLU(), nn.Linear(h, e))
        self.log_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def forward(self, xs, ys, xq, way):
        s = F.normalize(self.f(xs), dim=-1)
        q = F.normalize(self.f(xq), dim=-1)
        sim = q @ s.t() * self.log_scale.exp()          # (Q, S)
        att = sim.softmax(dim=-1)
        onehot = F.one_hot(ys, way).float()
        probs = att @ onehot                             # (Q, way)
        return torch.log(probs + 1e-8)


net = CosineMatcher()
EPOCHS, STEPS = 10, 40
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=EPOCHS * STEPS)
g = np.random.default_rng(SEED)

for ep in range(EPOCHS):
    net.train()
    losses, hits = [], []
    for it in range(STEPS):
        xs, ys, xq, yq = episode(train_cls, g)
        logp = net(xs, ys, xq, 5)
        loss = F.nll_loss(logp, yq)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item()); hits.append((logp.argmax(1) == yq).float().mean().item())
    print(f"[ep {ep:02d}] nll={np.mean(losses):.3f} acc={np.mean(hits):.3f} lr={sched.get_last_lr()[0]:.5f}")

net.eval()
vg = np.random.default_rng(999)
with torch.no_grad():
    va = []
    for _ in range(150):
        xs, ys, xq, yq = episode(val_cls, vg)
        va.append((net(xs, ys, xq, 5).argmax(1) == yq).float().mean().item())
print(f"held-out-class 5-way 1-shot accuracy: {np.mean(va):.3f}")
