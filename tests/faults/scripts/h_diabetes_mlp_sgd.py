import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)


class Net(nn.Module):
    def __init__(self, d_in, d_h=32):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(d_h, d_in) * (2.0 / d_in) ** 0.5)
        self.b1 = nn.Parameter(torch.zeros(d_h))
        self.w2 = nn.Parameter(torch.randn(1, d_h) * (1.0 / d_h) ** 0.5)
        self.b2 = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        h = F.relu(F.linear(x, self.w1, self.b1))
        return F.linear(h, self.w2, self.b2).squeeze(-1)


def r2(pred, target):
    ss_res = ((target - pred) ** 2).sum()
    ss_tot = ((target - target.mean()) ** 2).sum()
    return 1.0 - (ss_res / ss_tot).item()


X, y = load_diabetes(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=1)
mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.float32)
y_va = torch.tensor(y_va, dtype=torch.float32)

model = Net(X_tr.shape[1])
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
batch = 32
n = len(X_tr)

for epoch in range(60):
    model.train()
    order = torch.randperm(n)
    running = 0.0
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        pred = model(X_tr[idx])
        loss = F.mse_loss(pred, y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(idx)
    if epoch % 5 == 0 or epoch == 59:
        model.eval()
        with torch.no_grad():
            va_pred = model(X_va)
            va_loss = F.mse_loss(va_pred, y_va).item()
        print(f"epoch {epoch:3d} train mse {running / n:.2f} val mse {va_loss:.2f} val r2 {r2(va_pred, y_va):.3f}")

model.eval()
with torch.no_grad():
    va_pred = model(X_va)
print(f"final val mse {F.mse_loss(va_pred, y_va).item():.2f}  val r2 {r2(va_pred, y_va):.3f}")
