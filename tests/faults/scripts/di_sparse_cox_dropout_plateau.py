"""Cox model for a small, wide cohort (many noise covariates), dropout-regularised MLP.

ReduceLROnPlateau on validation partial likelihood; Harrell's C reported per epoch.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(123)
gen = np.random.default_rng(123)

n, p = 500, 60
X = gen.normal(size=(n, p)).astype(np.float32)
lp = 1.0 * X[:, 0] - 0.8 * X[:, 1] + 0.6 * X[:, 2] * X[:, 3] + 0.5 * np.abs(X[:, 4])
T_ev = gen.weibull(1.2, size=n) / np.exp(lp / 1.2)
T_c = gen.uniform(0, 2.5, size=n)
T = np.minimum(T_ev, T_c).astype(np.float32)
E = (T_ev <= T_c).astype(np.float32)

idx = gen.permutation(n)
tr, va = idx[:350], idx[350:]
m, s = X[tr].mean(0), X[tr].std(0)
X = (X - m) / s
Xtr, Ttr, Etr = torch.tensor(X[tr]), torch.tensor(T[tr]), torch.tensor(E[tr])
Xva, Tva, Eva = torch.tensor(X[va]), torch.tensor(T[va]), torch.tensor(E[va])
print(f"train n={len(tr)} val n={len(va)} event rate={E.mean():.2f}")

model = nn.Sequential(
    nn.Linear(p, 128), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(128, 1, bias=False),
)


def cox_nll(f, t, e):
    o = torch.argsort(t, descending=True)
    f, e = f[o], e[o]
    return -((f - torch.logcumsumexp(f, 0)) * e).sum() / e.sum()


def c_index(f, t, e):
    f, t, e = f.numpy(), t.numpy(), e.numpy()
    adm = (t[:, None] < t[None, :]) & (e[:, None] == 1)
    return ((f[:, None] > f[None, :]) & adm).sum() / adm.sum()


def evaluate(X_, T_, E_):
    model.eval()
    with torch.no_grad():
        f = model(X_).squeeze(1)
    return cox_nll(f, T_, E_).item(), c_index(f, T_, E_)


opt = torch.optim.Adam(model.parameters(), lr=1e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=5)

model.train()
for epoch in range(1, 61):
    order = torch.randperm(len(Xtr))
    ep_loss = []
    for i in range(0, len(order), 70):
        b = order[i:i + 70]
        opt.zero_grad()
        loss = cox_nll(model(Xtr[b]).squeeze(1), Ttr[b], Etr[b])
        loss.backward()
        opt.step()
        ep_loss.append(loss.item())
    v_nll, v_c = evaluate(Xva, Tva, Eva)
    plateau.step(v_nll)
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d}  train nll {np.mean(ep_loss):.3f}  val nll {v_nll:.3f}  val C {v_c:.3f}  "
              f"lr {opt.param_groups[0]['lr']:.1e}")

tr_nll, tr_c = evaluate(Xtr, Ttr, Etr)
va_nll, va_c = evaluate(Xva, Tva, Eva)
print(f"final: train C {tr_c:.3f} (nll {tr_nll:.3f}) | val C {va_c:.3f} (nll {va_nll:.3f})")
