import numpy as np
import torch
from torch import nn

rs = np.random.RandomState(2024)
torch.manual_seed(2024)

N = 4000
applicant = rs.randint(0, 1500, N)
age = rs.normal(42, 12, N).clip(18, 85)
income = rs.lognormal(10.8, 0.5, N)
loan_amt = rs.lognormal(9.5, 0.7, N)
open_lines = rs.poisson(6, N).astype(float)
months_employed = rs.gamma(3, 30, N)
utilisation = rs.beta(2, 3, N) * 100
region = rs.choice(["north", "south", "east", "west", "islands", "overseas"], N,
                   p=[0.3, 0.3, 0.2, 0.17, 0.02, 0.01])

logit = (1.6 * np.log(loan_amt / income) + 0.04 * (utilisation - 40) - 0.01 * (months_employed - 90)
         + 0.08 * (open_lines - 6) - 0.02 * (age - 42) + 3.0 + rs.normal(0, 0.7, N))
default = (logit > np.median(logit)).astype(np.int64)

cols = ["age", "income", "loan_amt", "open_lines", "months_employed", "utilisation"]
X = np.stack([age, income, loan_amt, open_lines, months_employed, utilisation], 1)
for j, rate in enumerate([0.02, 0.10, 0.0, 0.05, 0.12, 0.04]):
    X[rs.rand(N) < rate, j] = np.nan

uniq = rs.permutation(np.unique(applicant))
val_ids = uniq[: len(uniq) // 5]
va = np.isin(applicant, val_ids)
tr = ~va

print("--- audit ---")
print("X", X.shape, "train rows", tr.sum(), "val rows", va.sum())
for c, m in zip(cols, np.isnan(X[tr]).mean(0)):
    print(f"  {c:16s} missing {m:.1%}")
print("default rate train %.3f val %.3f" % (default[tr].mean(), default[va].mean()))

# impute with train medians, keep indicators, clip at train quantiles
miss = np.isnan(X).astype(np.float32)
med = np.nanmedian(X[tr], 0)
Xf = np.where(np.isnan(X), med, X)
q1, q99 = np.percentile(Xf[tr], [1, 99], axis=0)
Xf = np.clip(Xf, q1, q99)
mean, std = Xf[tr].mean(0), Xf[tr].std(0)
Xs = (Xf - mean) / std

reg_counts = {r: (region[tr] == r).sum() for r in np.unique(region)}
reg_vocab = {r: i for i, r in enumerate(sorted(r for r, c in reg_counts.items() if c >= 60))}
reg_idx = np.array([reg_vocab.get(r, len(reg_vocab)) for r in region])
print("regions kept:", list(reg_vocab), "-> others bucketed")

feats = np.hstack([Xf, miss]).astype(np.float32)


class LoanNet(nn.Module):
    def __init__(self, d, n_reg):
        super().__init__()
        self.reg = nn.Embedding(n_reg, 3)
        self.body = nn.Sequential(nn.Linear(d + 3, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                                  nn.Linear(64, 1))

    def forward(self, x, r):
        return self.body(torch.cat([x, self.reg(r)], 1)).squeeze(1)


xt, rt, yt = (torch.tensor(feats[tr]), torch.tensor(reg_idx[tr]), torch.tensor(default[tr]).float())
xv, rv, yv = (torch.tensor(feats[va]), torch.tensor(reg_idx[va]), torch.tensor(default[va]).float())

model = LoanNet(feats.shape[1], len(reg_vocab) + 1)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
lossf = nn.BCEWithLogitsLoss()

for epoch in range(25):
    model.train()
    order = torch.randperm(len(yt))
    tot = 0.0
    for b in range(0, len(order), 64):
        i = order[b:b + 64]
        opt.zero_grad()
        l = lossf(model(xt[i], rt[i]), yt[i])
        l.backward()
        opt.step()
        tot += l.item() * len(i)
    model.eval()
    with torch.no_grad():
        pv = model(xv, rv)
        vl = lossf(pv, yv).item()
        acc = ((pv > 0).float() == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {tot / len(yt):.4f}  val_loss {vl:.4f}  val_acc {acc:.3f}")

print("final val accuracy:", round(acc, 4))
