import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_regression

torch.manual_seed(13)
X, y = make_regression(n_samples=2000, n_features=10, n_informative=6, noise=5.0, random_state=13)
y = y + 0.02 * y ** 2 / np.abs(y).max()
rng = np.random.RandomState(13)
order = rng.permutation(len(X))
tr, va = order[:1600], order[1600:]
xm, xs = X[tr].mean(0), X[tr].std(0)
ym, ys = y[tr].mean(), y[tr].std()
Xtr = torch.tensor((X[tr] - xm) / xs, dtype=torch.float32)
Xva = torch.tensor((X[va] - xm) / xs, dtype=torch.float32)
ytr = torch.tensor((y[tr] - ym) / ys, dtype=torch.float32).unsqueeze(1)
yva = torch.tensor((y[va] - ym) / ys, dtype=torch.float32).unsqueeze(1)

torch.manual_seed(13)
W1 = torch.nn.Parameter(torch.empty(48, 10))
b1 = torch.nn.Parameter(torch.zeros(48))
W2 = torch.nn.Parameter(torch.empty(1, 48))
b2 = torch.nn.Parameter(torch.zeros(1))
torch.nn.init.kaiming_normal_(W1, nonlinearity="relu")
torch.nn.init.xavier_normal_(W2)
params = [W1, b1, W2, b2]


def model(x):
    return F.linear(F.relu(F.linear(x, W1, b1)), W2, b2)


opt = torch.optim.SGD(params, lr=0.02, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
micro, accum = 16, 4

for epoch in range(30):
    perm = torch.randperm(len(Xtr))
    opt.zero_grad()
    total, k = 0.0, 0
    for i in range(0, len(Xtr), micro):
        b = perm[i:i + micro]
        loss = F.mse_loss(model(Xtr[b]), ytr[b])
        (loss / accum).backward()
        total += loss.item()
        k += 1
        if k % accum == 0:
            opt.step()
            opt.zero_grad()
    if k % accum != 0:
        opt.step()
        opt.zero_grad()
    sched.step()
    with torch.no_grad():
        vmse = F.mse_loss(model(Xva), yva).item()
    print(f"epoch {epoch:2d}  train mse {total / k:.4f}  val mse {vmse:.4f}")

with torch.no_grad():
    pv = model(Xva)
r2 = 1 - ((pv - yva) ** 2).sum() / ((yva - yva.mean()) ** 2).sum()
print(f"val R2 {r2.item():.4f}")
