# ListNet-style listwise training on synthetic query groups of varying size.
# Documents are padded per query and masked; softmax cross-entropy between
# the label distribution and the score distribution. Metric: NDCG@10.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(5)
rng = np.random.default_rng(5)
NF, MAXD, TOPK = 12, 40, 10
beta = rng.normal(size=NF)


def build(nq):
    sizes = rng.integers(6, MAXD + 1, size=nq)
    X = np.zeros((nq, MAXD, NF), np.float32)
    Y = np.zeros((nq, MAXD), np.float32)
    M = np.zeros((nq, MAXD), bool)
    for q, n in enumerate(sizes):
        x = rng.normal(size=(n, NF))
        util = x @ beta + 0.8 * x[:, 0] * x[:, 1] + 0.4 * rng.normal(size=n)
        X[q, :n], M[q, :n] = x, True
        Y[q, :n] = np.clip(np.round(util - util.mean()), 0, 4)
    return torch.from_numpy(X), torch.from_numpy(Y), torch.from_numpy(M), sizes


Xtr, Ytr, Mtr, _ = build(300)
Xva, Yva, Mva, va_sizes = build(80)
feat_mean = Xtr[Mtr].mean(0)
feat_std = Xtr[Mtr].std(0)
Xtr = torch.where(Mtr[..., None], (Xtr - feat_mean) / feat_std, torch.zeros(()))
Xva = torch.where(Mva[..., None], (Xva - feat_mean) / feat_std, torch.zeros(()))

net = nn.Sequential(nn.Linear(NF, 48), nn.GELU(), nn.Linear(48, 48), nn.GELU(), nn.Linear(48, 1))
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)


def listnet_loss(scores, labels, mask):
    neg = torch.finfo(scores.dtype).min
    s = scores.masked_fill(~mask, neg)
    target = torch.softmax(labels.masked_fill(~mask, neg), dim=1)
    return -(target * torch.log_softmax(s, dim=1)).masked_fill(~mask, 0.0).sum(1).mean()


def ndcg_at(scores, labels, k):
    _, top = torch.topk(scores, k)
    disc = 1.0 / torch.log2(torch.arange(k, dtype=torch.float32) + 2.0)
    dcg = ((2 ** labels[top] - 1) * disc).sum()
    ideal = torch.topk(labels, k).values
    idcg = ((2 ** ideal - 1) * disc).sum()
    return (dcg / idcg).item() if idcg > 0 else 1.0


def validate():
    net.eval()
    with torch.no_grad():
        S = net(Xva).squeeze(-1)
    return np.mean([ndcg_at(S[q, :n], Yva[q, :n], TOPK) for q, n in enumerate(va_sizes)])


for ep in range(20):
    net.train()
    perm = torch.randperm(len(Xtr))
    run = []
    for j in range(0, len(perm), 20):
        q = perm[j:j + 20]
        opt.zero_grad()
        loss = listnet_loss(net(Xtr[q]).squeeze(-1), Ytr[q], Mtr[q])
        loss.backward()
        opt.step()
        run.append(loss.item())
    print(f"epoch {ep + 1:02d}  listnet loss {np.mean(run):.4f}  val NDCG@{TOPK} {validate():.4f}")

print("done, final val NDCG@10:", round(validate(), 4))
