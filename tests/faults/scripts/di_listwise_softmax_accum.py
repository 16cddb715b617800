# Listwise softmax cross-entropy ranker over fixed-size query groups.
# Gradient accumulation over 4 micro-batches, StepLR per epoch, NDCG@5 on validation queries.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

g = torch.Generator().manual_seed(99)
torch.manual_seed(99)

NQ_TRAIN, NQ_VAL, DOCS, FEATS = 320, 80, 16, 10
A = torch.randn(FEATS, 8, generator=g)
b = torch.randn(8, generator=g)


def sample(nq):
    x = torch.randn(nq, DOCS, FEATS, generator=g) * torch.linspace(0.5, 3.0, FEATS) + 2.0
    util = torch.relu(x @ A / 3) @ b + 0.3 * torch.randn(nq, DOCS, generator=g)
    ranks = util.argsort(1).argsort(1).float()             # 0 = worst
    rel = torch.floor(ranks / DOCS * 5).clamp(max=4)        # grades 0..4 per query
    return x, rel


Xtr, Rtr = sample(NQ_TRAIN)
Xva, Rva = sample(NQ_VAL)
mean = Xtr.reshape(-1, FEATS).mean(0)
std = Xtr.reshape(-1, FEATS).std(0)
Xtr, Xva = (Xtr - mean) / std, (Xva - mean) / std


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(FEATS, 64), nn.ReLU(), nn.Dropout(0.1),
                                 nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.mlp(x).squeeze(-1)


def listwise_loss(scores, rel, temp=1.0):
    target = F.softmax(rel / temp, dim=1)
    return -(target * F.log_softmax(scores, dim=1)).sum(1).mean()


def ndcg_k(scores, rel, k=5):
    disc = 1.0 / torch.log2(torch.arange(k) + 2.0)
    top = scores.topk(k, dim=1).indices
    dcg = ((2 ** rel.gather(1, top) - 1) * disc).sum(1)
    idcg = ((2 ** rel.topk(k, dim=1).values - 1) * disc).sum(1)
    return (dcg / idcg).mean().item()


model = Scorer()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.3)
MICRO, ACCUM = 8, 4

for epoch in range(30):
    model.train()
    perm = torch.randperm(NQ_TRAIN)
    opt.zero_grad()
    tot, n = 0.0, 0
    for step, i in enumerate(range(0, NQ_TRAIN, MICRO)):
        q = perm[i:i + MICRO]
        loss = listwise_loss(model(Xtr[q]), Rtr[q])
        (loss / ACCUM).backward()
        if (step + 1) % ACCUM == 0:
            opt.step()
            opt.zero_grad()
        tot += loss.item()
        n += 1
    sched.step()
    model.eval()
    with torch.no_grad():
        v = ndcg_k(model(Xva), Rva)
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1:2d} loss {tot / n:.4f} lr {sched.get_last_lr()[0]:.1e} val NDCG@5 {v:.4f}")

with torch.no_grad():
    model.eval()
    print(f"train NDCG@5 {ndcg_k(model(Xtr), Rtr):.4f}   val NDCG@5 {ndcg_k(model(Xva), Rva):.4f}")
