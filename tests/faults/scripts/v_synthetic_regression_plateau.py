# Nonlinear synthetic regression with a hand-written linear autograd op,
# standardised targets, ReduceLROnPlateau and a scratch Adam.
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(17)
torch.manual_seed(17)
torch.set_num_threads(1)


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x.mm(weight.t()) + bias

    @staticmethod
    def backward(ctx, grad_out):
        x, weight = ctx.saved_tensors
        grad_x = grad_out.mm(weight)
        grad_w = grad_out.t().mm(x)
        grad_b = grad_out.sum(0)
        return grad_x, grad_w, grad_b


class MyLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * np.sqrt(2.0 / n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return LinearFn.apply(x, self.weight, self.bias)


class Regressor(nn.Module):
    def __init__(self, d, h=64):
        super().__init__()
        self.net = nn.Sequential(MyLinear(d, h), nn.SiLU(), MyLinear(h, h), nn.SiLU(), MyLinear(h, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            b1, b2 = g["betas"]
            for p in g["params"]:
                if p.grad is None:
                    continue
                grad = p.grad + g["weight_decay"] * p
                st = self.state[p]
                if not st:
                    st.update(n=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                st["n"] += 1
                st["m"] = b1 * st["m"] + (1 - b1) * grad
                st["v"] = b2 * st["v"] + (1 - b2) * grad * grad
                mh = st["m"] / (1 - b1 ** st["n"])
                vh = st["v"] / (1 - b2 ** st["n"])
                p -= g["lr"] * mh / (vh.sqrt() + g["eps"])


N, D = 2500, 8
X = rng.uniform(-2, 2, size=(N, D)) * rng.uniform(0.5, 3.0, size=D)
y = (3.0 * np.sin(X[:, 0]) + X[:, 1] ** 2 - 2.0 * X[:, 2] * X[:, 3]
     + 0.5 * X[:, 4] + 40.0 + rng.normal(0, 0.5, size=N))

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=17)
x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()
to_t = lambda a: torch.tensor(a, dtype=torch.float32)
X_tr, X_va = to_t((X_tr - x_mu) / x_sd), to_t((X_va - x_mu) / x_sd)
t_tr, t_va = to_t((y_tr - y_mu) / y_sd), to_t((y_va - y_mu) / y_sd)
y_va_raw = to_t(y_va)

model = Regressor(D)
opt = Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
mse = nn.MSELoss()

for epoch in range(60):
    model.train()
    perm = torch.randperm(len(X_tr))
    acc_loss = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = mse(model(X_tr[idx]), t_tr[idx])
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pred_std = model(X_va)
        val_loss = mse(pred_std, t_va).item()
        pred = pred_std * y_sd + y_mu
        rmse = torch.sqrt(((pred - y_va_raw) ** 2).mean()).item()
        r2 = 1 - ((pred - y_va_raw) ** 2).sum().item() / ((y_va_raw - y_va_raw.mean()) ** 2).sum().item()
    plateau.step(val_loss)
    if epoch % 5 == 0 or epoch == 59:
        print(f"epoch {epoch:2d} lr={opt.param_groups[0]['lr']:.5f} train_mse={acc_loss / len(X_tr):.4f} "
              f"val_mse={val_loss:.4f} val_rmse={rmse:.3f} val_r2={r2:.4f}")

print(f"final: val RMSE {rmse:.3f} (target std {y_sd:.2f}), R^2 {r2:.4f}")
