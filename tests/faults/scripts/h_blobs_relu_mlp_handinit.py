import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_classification


def main():
    torch.manual_seed(3)
    X, y = make_classification(n_samples=1500, n_features=16, n_informative=10, n_redundant=2,
                               n_classes=4, n_clusters_per_class=1, class_sep=1.5, random_state=3)
    perm = np.random.RandomState(3).permutation(len(X))
    tr, va = perm[:1200], perm[1200:]
    mu, sd = X[tr].mean(0), X[tr].std(0)
    Xtr = torch.tensor((X[tr] - mu) / sd, dtype=torch.float32)
    Xva = torch.tensor((X[va] - mu) / sd, dtype=torch.float32)
    ytr = torch.tensor(y[tr])
    yva = torch.tensor(y[va])

    d, h1, h2, k = 16, 64, 64, 4
    W1 = torch.randn(d, h1) * (2 / d) ** 0.5
    b1 = torch.full((h1,), -8.0)
    W2 = torch.randn(h1, h2) * (2 / h1) ** 0.5
    b2 = torch.zeros(h2)
    W3 = torch.randn(h2, k) * (1 / h2) ** 0.5
    b3 = torch.zeros(k)
    params = [W1, b1, W2, b2, W3, b3]
    for p in params:
        p.requires_grad_(True)

    def net(x):
        a = F.relu(x @ W1 + b1)
        a = F.relu(a @ W2 + b2)
        return a @ W3 + b3

    opt = torch.optim.Adam(params, lr=1e-3)
    bs = 64
    for epoch in range(25):
        idx_all = torch.randperm(len(Xtr))
        losses = []
        for i in range(0, len(Xtr), bs):
            idx = idx_all[i:i + bs]
            loss = F.cross_entropy(net(Xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        with torch.no_grad():
            acc = (net(Xva).argmax(1) == yva).float().mean().item()
        print(f"epoch {epoch + 1:2d} loss {np.mean(losses):.4f} val_acc {acc:.3f}")

    with torch.no_grad():
        tr_acc = (net(Xtr).argmax(1) == ytr).float().mean().item()
        va_acc = (net(Xva).argmax(1) == yva).float().mean().item()
    print(f"train acc {tr_acc:.3f} | val acc {va_acc:.3f}")


main()
