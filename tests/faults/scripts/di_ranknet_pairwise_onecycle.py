# RankNet on synthetic learning-to-rank data: pairwise BCE on score differences,
# OneCycle LR schedule stepped per batch, NDCG@5 on held-out queries.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
np.random.seed(SEED)
torch.manual_seed(SEED)

N_FEAT, DOCS_PER_Q = 16, 24
W_TRUE = np.random.randn(N_FEAT)
V_TRUE = np.random.randn(N_FEAT, 4)


def make_queries(n_q):
    qs = []
    for _ in range(n_q):
        x = np.random.randn(DOCS_PER_Q, N_FEAT)
        s = x @ W_TRUE * 0.5 + np.tanh(x @ V_TRUE).sum(1) + 0.5 * np.random.randn(DOCS_PER_Q)
        cuts = np.quantile(s, [0.5, 0.75, 0.9])
        rel = np.digitize(s, cuts)              # graded relevance 0..3
        qs.append((x.astype(np.float32), rel.astype(np.float32)))
    return qs


train_q, val_q = make_queries(200), make_queries(50)
allx = np.concatenate([q[0] for q in train_q])
mean, std = allx.mean(0), allx.std(0) + 1e-8
def stack(qs):
    return (torch.tensor(np.stack([(x - mean) / std for x, _ in qs]), dtype=torch.float32),
            torch.tensor(np.stack([r for _, r in qs])))


Xtr_q, Rtr_q = stack(train_q)   # (queries, docs, features), (queries, docs)
Xva_q, Rva_q = stack(val_q)


def ndcg_at_k(scores, rel, k=5):
    order = torch.argsort(scores, descending=True)[:k]
    disc = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float32))
    dcg = ((2 ** rel[order] - 1) * disc[:len(order)]).sum()
    ideal = torch.sort(rel, descending=True).values[:k]
    idcg = ((2 ** ideal - 1) * disc[:len(ideal)]).sum()
    return (dcg / idcg).item() if idcg > 0 else 0.0


def ranknet_loss(scores, rel):
    # scores, rel: (queries, docs); every ordered pair with different labels
    diff = scores[:, :, None] - scores[:, None, :]
    target = (rel[:, :, None] > rel[:, None, :]).float()
    mask = rel[:, :, None] != rel[:, None, :]
    return F.binary_cross_entropy_with_logits(diff[mask], target[mask])


scorer = nn.Sequential(nn.Linear(N_FEAT, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
EPOCHS, Q_PER_BATCH = 25, 8
steps_per_epoch = (len(train_q) + Q_PER_BATCH - 1) // Q_PER_BATCH
optimizer = torch.optim.Adam(scorer.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=EPOCHS,
                                                steps_per_epoch=steps_per_epoch)


def evaluate(X, R):
    scorer.eval()
    with torch.no_grad():
        S = scorer(X).squeeze(-1)
        return float(np.mean([ndcg_at_k(s, r) for s, r in zip(S, R)]))


print(f"NDCG@5 before training: {evaluate(Xva_q, Rva_q):.4f}")
for epoch in range(EPOCHS):
    scorer.train()
    order = torch.randperm(len(Xtr_q))
    total = 0.0
    for b in range(steps_per_epoch):
        qi = order[b * Q_PER_BATCH:(b + 1) * Q_PER_BATCH]
        optimizer.zero_grad()
        loss = ranknet_loss(scorer(Xtr_q[qi]).squeeze(-1), Rtr_q[qi])
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item()
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch + 1:2d} | pair loss {total / steps_per_epoch:.4f} | "
              f"lr {scheduler.get_last_lr()[0]:.2e} | val NDCG@5 {evaluate(Xva_q, Rva_q):.4f}")

print(f"final train NDCG@5 {evaluate(Xtr_q, Rtr_q):.4f}  val NDCG@5 {evaluate(Xva_q, Rva_q):.4f}")
