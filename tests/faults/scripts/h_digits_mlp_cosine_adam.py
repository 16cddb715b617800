import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def main():
    torch.manual_seed(21)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=21, stratify=y)
    mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
    X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
    X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

    sizes = [64, 128, 64, 10]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        W = torch.randn(a, b) * (2.0 / a) ** 0.5
        params += [W.requires_grad_(), torch.zeros(b, requires_grad=True)]
    with torch.no_grad():
        params[-2].mul_(0.1)

    def forward(x, train=False):
        for i in range(0, len(params) - 2, 2):
            x = F.relu(x @ params[i] + params[i + 1])
            x = F.dropout(x, p=0.2, training=train)
        return x @ params[-2] + params[-1]

    epochs, bs = 30, 64
    opt = torch.optim.Adam(params, lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    n = len(X_tr)
    for epoch in range(epochs):
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            loss = F.cross_entropy(forward(X_tr[idx], train=True), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        with torch.no_grad():
            logits = forward(X_va)
            vl = F.cross_entropy(logits, y_va).item()
            va = (logits.argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch:2d} lr {sched.get_last_lr()[0]:.5f} train {total / n:.4f} val {vl:.4f} acc {va:.3f}")

    with torch.no_grad():
        tr_acc = (forward(X_tr).argmax(1) == y_tr).float().mean().item()
        va_acc = (forward(X_va).argmax(1) == y_va).float().mean().item()
    print(f"final train acc {tr_acc:.3f} val acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
