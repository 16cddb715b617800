"""Homework 2: multinomial logistic regression on Iris, first from scratch, then with nn.Module."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

# ---------------------------------------------------------------
# 1. Setup and data
# ---------------------------------------------------------------
torch.manual_seed(0)
np.random.seed(0)

X, y = load_iris(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)
N, D = X_tr.shape
C = 3
assert X_tr.shape == (105, 4) and X_va.shape == (45, 4)
assert y_tr.shape == (N,)

# ---------------------------------------------------------------
# 2. Gradient check of our hand-written softmax cross-entropy
# ---------------------------------------------------------------
def my_xent(logits, target):
    logp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -logp[torch.arange(logits.shape[0]), target].mean()

z = torch.randn(5, C, dtype=torch.double, requires_grad=True)
t = torch.randint(0, C, (5,))
ok = torch.autograd.gradcheck(lambda a: my_xent(a, t), (z,))
print("gradcheck my_xent:", ok)
assert torch.allclose(my_xent(z, t), F.cross_entropy(z, t))

# ---------------------------------------------------------------
# 3. Logistic regression with explicit tensors
# ---------------------------------------------------------------
W = torch.zeros(D, C, requires_grad=True)
b = torch.zeros(C, requires_grad=True)
lr = 0.5
print("\nepoch | train loss | val acc")
for epoch in range(60):
    logits = X_tr @ W + b
    assert logits.shape == (N, C)
    loss = my_xent(logits, y_tr)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    if epoch % 10 == 9:
        with torch.no_grad():
            acc = ((X_va @ W + b).argmax(1) == y_va).float().mean().item()
        print(f"{epoch+1:5d} | {loss.item():10.4f} | {acc:.3f}")

# ---------------------------------------------------------------
# 4. Same model with nn.Module + SGD, mini-batches
# ---------------------------------------------------------------
class LogReg(nn.Module):
    def __init__(self, d, c):
        super().__init__()
        self.lin = nn.Linear(d, c)

    def forward(self, x):
        return self.lin(x)

model = LogReg(D, C)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
bs = 16
print("\nepoch | train loss | train acc | val acc")
for epoch in range(40):
    model.train()
    perm = torch.randperm(N)
    tot = 0.0
    for i in range(0, N, bs):
        idx = perm[i:i + bs]
        xb, yb = X_tr[idx], y_tr[idx]
        opt.zero_grad()
        out = model(xb)
        assert out.shape == (xb.shape[0], C)
        loss = F.cross_entropy(out, yb)
        loss.backward()
        opt.step()
        tot += loss.item() * xb.shape[0]
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            tr_acc = (model(X_tr).argmax(1) == y_tr).float().mean().item()
            va_acc = (model(X_va).argmax(1) == y_va).float().mean().item()
        print(f"{epoch+1:5d} | {tot/N:10.4f} | {tr_acc:9.3f} | {va_acc:.3f}")

print(f"\nfinal validation accuracy: {va_acc:.3f}")
