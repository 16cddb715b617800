# Matrix factorisation for a synthetic user x item rating matrix.
#   r_ui ~ mu + b_u + c_i + <p_u, q_i>
# Observed entries are split at random into train / validation cells.
# Gradients are accumulated over ACCUM micro-batches before each optimizer step.
import math
import numpy as np
import torch

torch.manual_seed(99)
np.random.seed(99)
torch.set_num_threads(1)

N_USERS, N_ITEMS, TRUE_RANK, NOISE = 300, 200, 5, 0.3
rng = np.random.default_rng(99)
P_true = rng.normal(size=(N_USERS, TRUE_RANK)) / TRUE_RANK ** 0.25
Q_true = rng.normal(size=(N_ITEMS, TRUE_RANK)) / TRUE_RANK ** 0.25
R = 3.5 + 0.4 * rng.normal(size=(N_USERS, 1)) + 0.3 * rng.normal(size=(1, N_ITEMS)) + P_true @ Q_true.T
R = R + NOISE * rng.normal(size=R.shape)

mask = rng.random(R.shape) < 0.3
users, items = np.nonzero(mask)
ratings = R[users, items]
order = rng.permutation(len(ratings))
n_val = len(order) // 5
val_idx, tr_idx = order[:n_val], order[n_val:]

to_t = lambda a, dt: torch.tensor(a, dtype=dt)
u_tr, i_tr, r_tr = to_t(users[tr_idx], torch.long), to_t(items[tr_idx], torch.long), to_t(ratings[tr_idx], torch.float32)
u_va, i_va, r_va = to_t(users[val_idx], torch.long), to_t(items[val_idx], torch.long), to_t(ratings[val_idx], torch.float32)
print(f"{len(r_tr)} train ratings, {len(r_va)} validation ratings, noise floor RMSE {NOISE:.2f}")

mu = r_tr.mean()
print(f"global-mean baseline val RMSE: {torch.sqrt(((r_va - mu) ** 2).mean()):.4f}")

RANK = 8
LAMBDA = 0.05
P = torch.nn.Parameter(0.1 * torch.randn(N_USERS, RANK))
Q = torch.nn.Parameter(0.1 * torch.randn(N_ITEMS, RANK))
bu = torch.nn.Parameter(torch.zeros(N_USERS))
bi = torch.nn.Parameter(torch.zeros(N_ITEMS))


def predict(u, i):
    return mu + bu[u] + bi[i] + torch.einsum("nr,nr->n", P[u], Q[i])


opt = torch.optim.Adam([P, Q, bu, bi], lr=0.02)

EPOCHS, MICRO, ACCUM = 40, 128, 4
steps_per_epoch = math.ceil(len(r_tr) / (MICRO * ACCUM))
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)

for epoch in range(EPOCHS):
    perm = torch.randperm(len(r_tr))
    chunks = perm.split(MICRO)
    total = 0.0
    opt.zero_grad()
    for step, idx in enumerate(chunks):
        err = predict(u_tr[idx], i_tr[idx]) - r_tr[idx]
        loss = (err ** 2).mean()
        reg = LAMBDA * (P[u_tr[idx]].pow(2).sum(1) + Q[i_tr[idx]].pow(2).sum(1)).mean()
        ((loss + reg) / ACCUM).backward()
        total += loss.item() * len(idx)
        if (step + 1) % ACCUM == 0 or step + 1 == len(chunks):
            opt.step()
            sched.step()
            opt.zero_grad()
    with torch.no_grad():
        val_rmse = torch.sqrt(((predict(u_va, i_va) - r_va) ** 2).mean()).item()
    if epoch % 5 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.4f}  train RMSE {math.sqrt(total / len(r_tr)):.4f}  "
              f"val RMSE {val_rmse:.4f}")

print(f"final validation RMSE {val_rmse:.4f} (noise floor {NOISE:.2f})")
