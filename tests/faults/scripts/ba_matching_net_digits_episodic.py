"""Matching network (cosine attention over the support set) on digits.
5-way 1-shot episodes; validation episodes come from held-out rows."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits


def set_seed(s):
    np.random.seed(s)
    torch.manual_seed(s)


class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 128)
        self.l2 = nn.Linear(128, 64)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


def matching_logits(model, sx, sy, qx, n_way, tau=0.1):
    s = F.normalize(model(sx), dim=1)
    q = F.normalize(model(qx), dim=1)
    attn = F.softmax(q @ s.T / tau, dim=1)
    return torch.log(attn @ F.one_hot(sy, n_way).float() + 1e-6)


class EpisodeSampler:
    def __init__(self, x, y, classes, n_way, k_shot, n_query, seed):
        self.x, self.y, self.classes = x, y, np.asarray(classes)
        self.n_way, self.k, self.q = n_way, k_shot, n_query
        self.rs = np.random.RandomState(seed)

    def __call__(self):
        chosen = self.rs.choice(self.classes, self.n_way, replace=False)
        si, qi = [], []
        for c in chosen:
            ids = self.rs.choice(np.flatnonzero(self.y == c), self.k + self.q, replace=False)
            si.extend(ids[: self.k]); qi.extend(ids[self.k:])
        sy = torch.arange(self.n_way).repeat_interleave(self.k)
        qy = torch.arange(self.n_way).repeat_interleave(self.q)
        return self.x[si], sy, self.x[qi], qy


def main():
    set_seed(8)
    X, y = load_digits(return_X_y=True)
    perm = np.random.permutation(len(y))
    tr, va = perm[:1250], perm[1250:]
    mu, sd = X[tr].mean(0), X[tr].std(0) + 1e-6
    X = torch.tensor((X - mu) / sd, dtype=torch.float32)

    train_eps = EpisodeSampler(X[tr], y[tr], range(10), 5, 1, 10, seed=1)
    val_eps = EpisodeSampler(X[va], y[va], range(10), 5, 1, 10, seed=2)

    model = Embed()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    for epoch in range(10):
        model.train()
        losses = []
        for step in range(40):
            sx, sy, qx, qy = train_eps()
            loss = F.nll_loss(matching_logits(model, sx, sy, qx, 5), qy)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            acc = np.mean([(matching_logits(model, sx, sy, qx, 5).argmax(1) == qy).float().mean().item()
                           for sx, sy, qx, qy in (val_eps() for _ in range(50))])
        print(f"epoch {epoch:2d}  train nll {np.mean(losses):.4f}  val 5-way 1-shot acc {acc:.3f}")


if __name__ == "__main__":
    main()
