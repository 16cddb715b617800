# Second-order (quadratic form) regression for diabetes progression.
#   y_hat = b + w.x + x^T (U U^T - V V^T) x      with U, V of rank r
# A closed-form least-squares fit on explicit degree-2 features is printed for reference.
import numpy as np
import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
torch.set_num_threads(1)
rng = np.random.default_rng(3)

X, y = load_diabetes(return_X_y=True)
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.25, random_state=3)
xm, xs = Xa.mean(0), Xa.std(0)
ym, ys = ya.mean(), ya.std()
Xa, Xb = (Xa - xm) / xs, (Xb - xm) / xs
ya, yb = (ya - ym) / ys, (yb - ym) / ys
Xa, Xb, ya, yb = (torch.tensor(a, dtype=torch.float32) for a in (Xa, Xb, ya, yb))
d = Xa.shape[1]


def degree2(x):
    iu = torch.triu_indices(d, d)
    outer = torch.einsum("ni,nj->nij", x, x)[:, iu[0], iu[1]]
    return torch.cat([torch.ones(len(x), 1), x, outer], dim=1)


def r2(p, t):
    return 1 - ((p - t) ** 2).sum().item() / ((t - t.mean()) ** 2).sum().item()


Pa, Pb = degree2(Xa), degree2(Xb)
coef = torch.linalg.lstsq(Pa, ya.unsqueeze(1)).solution.squeeze(1)
print(f"closed-form degree-2 lstsq: train R2 {r2(Pa @ coef, ya):.3f}  val R2 {r2(Pb @ coef, yb):.3f}")

rank = 3
b = torch.zeros(1, requires_grad=True)
w = torch.zeros(d, requires_grad=True)
U = (0.1 * torch.randn(d, rank)).requires_grad_()
V = (0.1 * torch.randn(d, rank)).requires_grad_()


def model(x):
    quad = torch.einsum("nr,nr->n", x @ U, x @ U) - torch.einsum("nr,nr->n", x @ V, x @ V)
    return b + x @ w + quad


opt = torch.optim.SGD([b, w, U, V], lr=0.01, momentum=0.9)
loss_fn = torch.nn.MSELoss(reduction="sum")
bs = 64
for epoch in range(80):
    perm = torch.randperm(len(Xa))
    epoch_loss = 0.0
    for k in range(0, len(Xa), bs):
        idx = perm[k:k + bs]
        opt.zero_grad()
        loss = loss_fn(model(Xa[idx]), ya[idx])
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
    if epoch % 10 == 0 or epoch == 79:
        with torch.no_grad():
            print(f"epoch {epoch:2d}  train loss {epoch_loss / len(Xa):.4f}  "
                  f"val R2 {r2(model(Xb), yb):.3f}")

with torch.no_grad():
    print(f"quadratic-form model: train R2 {r2(model(Xa), ya):.3f}  val R2 {r2(model(Xb), yb):.3f}")
