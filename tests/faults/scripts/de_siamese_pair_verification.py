"""Siamese verification network: do two rows come from the same class?
Contrastive (margin) loss on Euclidean distance, ReduceLROnPlateau on val loss."""
import argparse
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--pairs-per-epoch", type=int, default=1536)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--margin", type=float, default=2.0)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def make_pairs(X, y, n, rng):
    a = rng.integers(0, len(X), n)
    same = rng.random(n) < 0.5
    b = np.empty(n, dtype=np.int64)
    by_cls = {c: np.flatnonzero(y == c) for c in np.unique(y)}
    for i in range(n):
        if same[i]:
            b[i] = rng.choice(by_cls[y[a[i]]])
        else:
            others = np.flatnonzero(y != y[a[i]])
            b[i] = others[rng.integers(len(others))]
    return (torch.from_numpy(X[a]), torch.from_numpy(X[b]),
            torch.from_numpy((y[a] == y[b]).astype(np.float32)))


class Tower(nn.Module):
    def __init__(self, d_in, d_emb=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, 64), nn.LayerNorm(64), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, d_emb),
        )

    def forward(self, x):
        return self.net(x)


def contrastive_loss(d, same, margin):
    return (same * d.pow(2) + (1 - same) * torch.clamp(margin - d, min=0).pow(2)).mean()


def main():
    args = get_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    X, y = make_classification(n_samples=2400, n_features=20, n_informative=10, n_redundant=4,
                               n_classes=6, n_clusters_per_class=1, class_sep=1.5, random_state=args.seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=args.seed, stratify=y)
    mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
    X_tr = ((X_tr - mean) / std).astype(np.float32)
    X_va = ((X_va - mean) / std).astype(np.float32)

    va_a, va_b, va_s = make_pairs(X_va, y_va, 1000, np.random.default_rng(123))

    model = Tower(X.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)

    for epoch in range(args.epochs):
        model.train()
        xa, xb, s = make_pairs(X_tr, y_tr, args.pairs_per_epoch, rng)
        order = torch.randperm(len(s))
        total = 0.0
        for i in range(0, len(s), args.batch_size):
            idx = order[i:i + args.batch_size]
            d = torch.norm(model(xa[idx]) - model(xb[idx]), dim=1)
            loss = contrastive_loss(d, s[idx], args.margin)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            total += loss.item() * len(idx)

        model.eval()
        with torch.no_grad():
            d_va = torch.norm(model(va_a) - model(va_b), dim=1)
            val_loss = contrastive_loss(d_va, va_s, args.margin).item()
            acc = ((d_va < args.margin / 2).float() == va_s).float().mean().item()
        sched.step(val_loss)
        print(f"epoch {epoch + 1:02d} train_loss {total / len(s):.4f} val_loss {val_loss:.4f} "
              f"val_verif_acc {acc:.3f} lr {opt.param_groups[0]['lr']:.1e}")

    # choose threshold on training pairs, report on validation pairs
    model.eval()
    with torch.no_grad():
        ta, tb, ts = make_pairs(X_tr, y_tr, 2000, np.random.default_rng(5))
        d_tr = torch.norm(model(ta) - model(tb), dim=1)
        cands = torch.linspace(0.05, args.margin, 60)
        accs = torch.stack([((d_tr < c).float() == ts).float().mean() for c in cands])
        thr = cands[accs.argmax()]
        d_va = torch.norm(model(va_a) - model(va_b), dim=1)
        va_acc = ((d_va < thr).float() == va_s).float().mean().item()
    print(f"threshold {thr:.3f}: train verif acc {accs.max().item():.3f}, val verif acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
