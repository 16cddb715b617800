"""Pairwise learning-to-rank: score items so that relevant ones rank higher.
Trained with MarginRankingLoss on random pairs; evaluated with pairwise accuracy and Kendall tau."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)

n_items, d = 1500, 20
rng = np.random.default_rng(11)
feats = rng.normal(size=(n_items, d)).astype(np.float32)
w = rng.normal(size=d)
relevance = np.tanh(feats @ w / 3) + 0.3 * np.sin(feats[:, 0] * 2) + rng.normal(scale=0.1, size=n_items)

split = 1200
Ftr, Fva = feats[:split], feats[split:]
Rtr, Rva = relevance[:split], relevance[split:]
mu, sd = Ftr.mean(0), Ftr.std(0)
Ftr, Fva = (Ftr - mu) / sd, (Fva - mu) / sd
Ftr, Fva = torch.tensor(Ftr), torch.tensor(Fva)
Rtr = torch.tensor(Rtr, dtype=torch.float32)


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(d, 64)
        self.fc2 = nn.Linear(64, 32)
        self.out = nn.Linear(32, 1)
        self.act = nn.ReLU()
        for layer in (self.fc1, self.fc2):
            nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
            nn.init.constant_(layer.bias, -4.0)

    def forward(self, x):
        return self.out(self.act(self.fc2(self.act(self.fc1(x))))).squeeze(-1)


def kendall_tau(a, b):
    a, b = np.asarray(a), np.asarray(b)
    da = np.sign(a[:, None] - a[None, :])
    db = np.sign(b[:, None] - b[None, :])
    iu = np.triu_indices(len(a), 1)
    return float((da[iu] * db[iu]).sum() / len(iu[0]))


scorer = Scorer()
rank_loss = nn.MarginRankingLoss(margin=0.5)
opt = torch.optim.Adam(scorer.parameters(), lr=1e-3)

steps_per_epoch, batch = 40, 128
for epoch in range(20):
    scorer.train()
    acc_loss = 0.0
    for _ in range(steps_per_epoch):
        i = torch.randint(0, split, (batch,))
        j = torch.randint(0, split, (batch,))
        target = torch.sign(Rtr[i] - Rtr[j])
        keep = target != 0
        opt.zero_grad()
        loss = rank_loss(scorer(Ftr[i[keep]]), scorer(Ftr[j[keep]]), target[keep])
        loss.backward()
        opt.step()
        acc_loss += loss.item()
    scorer.eval()
    with torch.no_grad():
        s_va = scorer(Fva).numpy()
    print(f"epoch {epoch:2d}  rank loss {acc_loss / steps_per_epoch:.4f}  val tau {kendall_tau(s_va, Rva):.3f}")

print(f"final val Kendall tau: {kendall_tau(s_va, Rva):.3f}")
