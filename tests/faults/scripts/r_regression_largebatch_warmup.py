# Nonlinear tabular regression, large batch with sqrt LR scaling + linear warmup / cosine decay.
import math, time
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(123)
np.random.seed(123)

X, y_lin = make_regression(n_samples=6000, n_features=12, n_informative=8, noise=5.0, random_state=123)
y = y_lin + 40.0 * np.sin(X[:, 0]) * X[:, 1]          # add an interaction term
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=123)

x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()
Xt = torch.tensor((X_tr - x_mu) / x_sd, dtype=torch.float32)
Xv = torch.tensor((X_va - x_mu) / x_sd, dtype=torch.float32)
yt = torch.tensor((y_tr - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)

BATCH = 512
LR = 1e-3 * math.sqrt(BATCH / 64)
EPOCHS = 80
steps_per_epoch = math.ceil(len(Xt) / BATCH)
TOTAL = EPOCHS * steps_per_epoch
WARMUP = 5 * steps_per_epoch

model = nn.Sequential(nn.Linear(12, 256), nn.GELU(), nn.Linear(256, 256), nn.GELU(), nn.Linear(256, 1))
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4, foreach=True)


def lr_lambda(step):
    if step < WARMUP:
        return (step + 1) / WARMUP
    t = (step - WARMUP) / max(1, TOTAL - WARMUP)
    return 0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * t))


sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
mse = nn.MSELoss()
perm = torch.empty(len(Xt), dtype=torch.long)

t0 = time.time()
for epoch in range(EPOCHS):
    model.train()
    torch.randperm(len(Xt), out=perm)
    acc_loss = torch.zeros(())
    for i in range(0, len(Xt), BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad(set_to_none=True)
        loss = mse(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        sched.step()
        acc_loss += loss.detach() * len(idx)
    if epoch % 10 == 0 or epoch == EPOCHS - 1:
        model.eval()
        with torch.no_grad():
            pred = model(Xv).squeeze(1).numpy() * y_sd + y_mu
        print(f"epoch {epoch:3d} train_mse(std) {acc_loss.item() / len(Xt):.4f} val_R2 {r2_score(y_va, pred):.4f} "
              f"lr {sched.get_last_lr()[0]:.2e}")

print(f"final validation R2 = {r2_score(y_va, pred):.4f}  ({time.time() - t0:.1f}s)")
