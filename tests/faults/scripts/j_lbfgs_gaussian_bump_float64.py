"""Fit u(x, y) = exp(-(x^2 + y^2)) * cos(3x) with a small tanh network, float64 + L-BFGS."""
import numpy as np
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(2024)
rng = np.random.default_rng(2024)


def u(p):
    return np.exp(-(p[:, 0] ** 2 + p[:, 1] ** 2)) * np.cos(3 * p[:, 0])


P_tr = rng.uniform(-2, 2, size=(500, 2))
P_va = rng.uniform(-2, 2, size=(300, 2))
mu, sd = P_tr.mean(0), P_tr.std(0)
X_tr = torch.from_numpy((P_tr - mu) / sd)
X_va = torch.from_numpy((P_va - mu) / sd)
y_tr = torch.from_numpy(u(P_tr)).unsqueeze(1)
y_va = torch.from_numpy(u(P_va)).unsqueeze(1)

net = nn.Sequential(
    nn.Linear(2, 40), nn.Tanh(),
    nn.Linear(40, 40), nn.Tanh(),
    nn.Linear(40, 1),
)
for m in net:
    if isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight)
        nn.init.zeros_(m.bias)

opt = torch.optim.LBFGS(net.parameters(), lr=1.0, max_iter=20, history_size=50,
                        line_search_fn="strong_wolfe")
mse = nn.MSELoss()


def closure():
    opt.zero_grad()
    loss = mse(net(X_tr), y_tr)
    loss.backward()
    return loss


for outer in range(1, 26):
    net.train()
    loss = opt.step(closure)
    if outer % 5 == 0 or outer == 1:
        net.eval()
        with torch.no_grad():
            val = mse(net(X_va), y_va).item()
        print(f"outer {outer:2d}  train mse {loss.item():.3e}  val mse {val:.3e}")

net.eval()
with torch.no_grad():
    pred = net(X_va)
    rel_l2 = (torch.linalg.norm(pred - y_va) / torch.linalg.norm(y_va)).item()
    max_err = (pred - y_va).abs().max().item()
print(f"validation relative L2 error {rel_l2:.4f}   max abs error {max_err:.4f}")
