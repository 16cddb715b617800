"""Pairwise ranker with an embedding tower and a scoring head.

Synthetic search logs: each query has 30 candidate documents with graded labels 0-4.
Training samples preference pairs per query; evaluation is mean NDCG@10.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.preprocessing import normalize

rng = np.random.default_rng(21)
torch.manual_seed(21)

D_FEAT, N_DOCS = 20, 30
proj = rng.normal(size=(D_FEAT, 6))
w_out = rng.normal(size=6)


def gen(n_queries):
    feats = rng.normal(size=(n_queries, N_DOCS, D_FEAT))
    latent = np.maximum(feats @ proj, 0) @ w_out
    latent += 0.3 * rng.normal(size=latent.shape)
    labels = np.zeros_like(latent)
    for q in range(n_queries):
        labels[q] = np.digitize(latent[q], np.quantile(latent[q], [0.4, 0.7, 0.85, 0.95]))
    return feats.astype(np.float32), labels.astype(np.float32)


Ftr, Ltr = gen(240)
Fva, Lva = gen(60)
m = Ftr.reshape(-1, D_FEAT).mean(0)
s = Ftr.reshape(-1, D_FEAT).std(0)
Ftr, Fva = (Ftr - m) / s, (Fva - m) / s


class TwoStageRanker(nn.Module):
    def __init__(self, d_in, d_emb=8):
        super().__init__()
        self.tower = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Linear(64, d_emb))
        self.head = nn.Linear(d_emb, 1)

    def forward(self, x):
        shape = x.shape[:-1]
        emb = self.tower(x.reshape(-1, x.shape[-1]))
        emb = torch.as_tensor(normalize(emb.detach().numpy()), dtype=torch.float32) * emb.shape[1] ** 0.5
        return self.head(emb).reshape(shape)


def ndcg10(scores, labels, k=10):
    top = np.argsort(-scores)[:k]
    gains = 2.0 ** labels - 1
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.sort(gains)[::-1][:k]
    return float((gains[top] * disc).sum() / (ideal * disc).sum())


def mean_ndcg(model, F_, L_):
    model.eval()
    with torch.no_grad():
        S = model(torch.from_numpy(F_)).numpy()
    return np.mean([ndcg10(S[q], L_[q]) for q in range(len(S))])


model = TwoStageRanker(D_FEAT)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
Ftr_t, Ltr_t = torch.from_numpy(Ftr), torch.from_numpy(Ltr)
PAIRS, QB = 64, 16

print(f"start: val NDCG@10 = {mean_ndcg(model, Fva, Lva):.4f}")
for epoch in range(1, 31):
    model.train()
    qperm = torch.randperm(len(Ftr_t))
    tot, nb = 0.0, 0
    for i in range(0, len(qperm), QB):
        q = qperm[i:i + QB]
        a = torch.randint(0, N_DOCS, (len(q), PAIRS))
        b = torch.randint(0, N_DOCS, (len(q), PAIRS))
        la, lb = Ltr_t[q].gather(1, a), Ltr_t[q].gather(1, b)
        valid = la != lb
        opt.zero_grad()
        sc = model(Ftr_t[q])
        diff = sc.gather(1, a) - sc.gather(1, b)
        loss = F.binary_cross_entropy_with_logits(diff[valid], (la > lb).float()[valid])
        loss.backward()
        opt.step()
        tot += loss.item()
        nb += 1
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  pairwise loss {tot / nb:.4f}  val NDCG@10 {mean_ndcg(model, Fva, Lva):.4f}")

print(f"train NDCG@10 {mean_ndcg(model, Ftr, Ltr):.4f} | val NDCG@10 {mean_ndcg(model, Fva, Lva):.4f}")
