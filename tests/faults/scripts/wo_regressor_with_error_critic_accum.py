"""A regressor and a second network (critic) that scores how wrong the regressor is on each row."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

torch.manual_seed(77)
torch.set_num_threads(1)
rng = np.random.default_rng(77)

N, D = 3000, 8
X = rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=D) + rng.uniform(-2, 2, size=D)
z = (X - X.mean(0)) / X.std(0)
y = 2.0 * np.sin(z[:, 0]) + z[:, 1] * z[:, 2] + 0.8 * z[:, 3] + (0.1 + 0.6 * np.abs(z[:, 4])) * rng.normal(size=N)

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=77)
x_mean, x_std = X_tr.mean(0), X_tr.std(0)
y_mean, y_std = y_tr.mean(), y_tr.std()
to_t = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Xva = to_t((X_tr - x_mean) / x_std), to_t((X_va - x_mean) / x_std)
ytr, yva = to_t((y_tr - y_mean) / y_std), to_t((y_va - y_mean) / y_std)


def mlp(d_in, width, d_out=1):
    return nn.Sequential(nn.Linear(d_in, width), nn.GELU(), nn.Linear(width, width), nn.GELU(),
                         nn.Linear(width, d_out))


def r2(pred, target):
    return 1 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


regressor = mlp(D, 64)
opt = torch.optim.AdamW(regressor.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.96)
micro, accum = 16, 4  # effective batch 64

for epoch in range(40):
    regressor.train()
    perm = torch.randperm(len(Xtr))
    run = 0.0
    opt.zero_grad()
    n_micro = (len(Xtr) + micro - 1) // micro
    for j in range(n_micro):
        b = perm[j * micro:(j + 1) * micro]
        loss = nn.functional.mse_loss(regressor(Xtr[b]).squeeze(1), ytr[b])
        (loss / accum).backward()
        run += loss.item() * len(b)
        if (j + 1) % accum == 0 or j + 1 == n_micro:
            opt.step()
            opt.zero_grad()
    sched.step()
    regressor.eval()
    with torch.no_grad():
        pv = regressor(Xva).squeeze(1)
    if epoch % 5 == 4 or epoch == 0:
        print(f"regressor epoch {epoch + 1:2d}  train mse {run / len(Xtr):.4f}  "
              f"val mse {nn.functional.mse_loss(pv, yva).item():.4f}  val r2 {r2(pv, yva):.3f}")

# critic: predict log |residual| of the trained regressor's outputs
with torch.no_grad():
    res_tr = (regressor(Xtr).squeeze(1) - ytr).abs()
    res_va = (regressor(Xva).squeeze(1) - yva).abs()
critic = mlp(D + 1, 32)
c_opt = torch.optim.Adam(critic.parameters(), lr=1e-3)
with torch.no_grad():
    cin_tr = torch.cat([Xtr, regressor(Xtr)], 1)
    cin_va = torch.cat([Xva, regressor(Xva)], 1)
target_tr = torch.log(res_tr + 1e-3)
target_va = torch.log(res_va + 1e-3)

for epoch in range(20):
    critic.train()
    perm = torch.randperm(len(cin_tr))
    for j in range(0, len(perm), 64):
        b = perm[j:j + 64]
        c_opt.zero_grad()
        c_loss = nn.functional.mse_loss(critic(cin_tr[b]).squeeze(1), target_tr[b])
        c_loss.backward()
        c_opt.step()
    if epoch % 5 == 4:
        critic.eval()
        with torch.no_grad():
            v = nn.functional.mse_loss(critic(cin_va).squeeze(1), target_va).item()
        print(f"critic epoch {epoch + 1:2d}  val mse {v:.4f}  (predict-mean baseline {target_va.var().item():.4f})")

critic.eval()
with torch.no_grad():
    score = critic(cin_va).squeeze(1)
rank = lambda t: t.argsort().argsort().float()
spearman = np.corrcoef(rank(score).numpy(), rank(res_va).numpy())[0, 1]
print(f"final: regressor val r2 {r2(pv, yva):.3f}; critic-vs-true-error spearman {spearman:.3f}")
