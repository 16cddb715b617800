"""Deep Cox proportional-hazards model on simulated censored survival data.

Nonlinear log-hazard, exponential event times, independent censoring.
AdamW + cosine annealing, early stopping on validation partial likelihood.
"""
import copy
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
rng = np.random.default_rng(7)

N, P = 2000, 12
X = rng.normal(size=(N, P)).astype(np.float32)
log_hazard = (0.8 * X[:, 0] - 0.6 * X[:, 1] + 0.5 * X[:, 2] ** 2
              - 0.7 * X[:, 3] * X[:, 4] + 0.4 * np.sin(2 * X[:, 5]))
event_time = rng.exponential(1.0 / np.exp(log_hazard))
censor_time = rng.exponential(1.5, size=N)
time = np.minimum(event_time, censor_time).astype(np.float32)
event = (event_time <= censor_time).astype(np.float32)
print(f"{N} subjects, {event.mean():.1%} events observed")

perm = rng.permutation(N)
tr, va = perm[:1500], perm[1500:]
mu, sd = X[tr].mean(0), X[tr].std(0)
Xs = (X - mu) / sd

def tens(idx):
    return (torch.from_numpy(Xs[idx]), torch.from_numpy(time[idx]), torch.from_numpy(event[idx]))

Xtr, Ttr, Etr = tens(tr)
Xva, Tva, Eva = tens(va)


def cox_ph_loss(risk, t, e):
    order = torch.argsort(t, descending=True)
    risk, e = risk[order], e[order]
    log_risk_set = torch.logcumsumexp(risk, dim=0)
    return -((risk - log_risk_set) * e).sum() / e.sum().clamp(min=1.0)


def concordance(risk, t, e):
    risk, t, e = risk.numpy(), t.numpy(), e.numpy()
    comparable = (t[:, None] < t[None, :]) & (e[:, None] == 1)
    conc = (risk[:, None] > risk[None, :]) & comparable
    ties = (risk[:, None] == risk[None, :]) & comparable
    return (conc.sum() + 0.5 * ties.sum()) / comparable.sum()


model = nn.Sequential(
    nn.Linear(P, 64), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(64, 1),
)
epochs, bs = 80, 250
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)

best, best_state, patience, wait = float("inf"), None, 15, 0
for ep in range(1, epochs + 1):
    model.train()
    idx = torch.randperm(len(Xtr))
    running = 0.0
    for i in range(0, len(idx), bs):
        b = idx[i:i + bs]
        opt.zero_grad()
        loss = cox_ph_loss(model(Xtr[b]).squeeze(1), Ttr[b], Etr[b])
        loss.backward()
        opt.step()
        running += loss.item() * len(b)
    sched.step()
    model.eval()
    with torch.no_grad():
        r = model(Xva).squeeze(1)
        vloss = cox_ph_loss(r, Tva, Eva).item()
    if ep % 5 == 0 or ep == 1:
        print(f"epoch {ep:3d}  train nll {running / len(idx):.4f}  val nll {vloss:.4f}  "
              f"val c-index {concordance(r, Tva, Eva):.3f}")
    if vloss < best - 1e-4:
        best, best_state, wait = vloss, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= patience:
            print(f"early stopping at epoch {ep}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    ctr = concordance(model(Xtr).squeeze(1), Ttr, Etr)
    cva = concordance(model(Xva).squeeze(1), Tva, Eva)
print(f"best val nll {best:.4f}  train c-index {ctr:.3f}  val c-index {cva:.3f}")
