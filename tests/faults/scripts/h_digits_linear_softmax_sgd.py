import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def main():
    torch.manual_seed(0)
    np.random.seed(0)

    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
    X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
    X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
    y_tr = torch.tensor(y_tr, dtype=torch.long)
    y_va = torch.tensor(y_va, dtype=torch.long)

    d_in, d_h, n_cls = X_tr.shape[1], 64, 10
    W1 = (torch.randn(d_in, d_h) * (2.0 / d_in) ** 0.5).requires_grad_()
    b1 = torch.zeros(d_h, requires_grad=True)
    W2 = (torch.randn(d_h, n_cls) * (1.0 / d_h) ** 0.5).requires_grad_()
    b2 = torch.zeros(n_cls, requires_grad=True)
    params = [W1, b1, W2, b2]
    opt = torch.optim.SGD(params, lr=0.05, momentum=0.9)

    def forward(x):
        return F.relu(x @ W1 + b1) @ W2 + b2

    def xent(logits, target):
        logp = F.log_softmax(logits, dim=1)
        return -logp[torch.arange(len(target)), target].sum()

    bs = 64
    n = X_tr.shape[0]
    for epoch in range(30):
        perm = torch.randperm(n)
        tot, cnt = 0.0, 0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            loss = xent(forward(X_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            cnt += len(idx)
        with torch.no_grad():
            va_acc = (forward(X_va).argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch:2d}  train loss {tot / cnt:.4f}  val acc {va_acc:.3f}")

    with torch.no_grad():
        tr_acc = (forward(X_tr).argmax(1) == y_tr).float().mean().item()
        va_acc = (forward(X_va).argmax(1) == y_va).float().mean().item()
    print(f"final train acc {tr_acc:.3f}  val acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
