"""Biased matrix factorisation on synthetic movie ratings (explicit feedback)."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)

N_USERS, N_ITEMS, LATENT = 300, 200, 4
N_RATINGS = 24000


def make_ratings():
    rng = np.random.default_rng(0)
    u_f = rng.normal(0, 0.6, (N_USERS, LATENT))
    i_f = rng.normal(0, 0.6, (N_ITEMS, LATENT))
    u_b = rng.normal(0, 0.4, N_USERS)
    i_b = rng.normal(0, 0.4, N_ITEMS)
    users = rng.integers(0, N_USERS, N_RATINGS)
    items = rng.integers(0, N_ITEMS, N_RATINGS)
    r = 3.5 + u_b[users] + i_b[items] + (u_f[users] * i_f[items]).sum(1)
    r += rng.normal(0, 0.3, N_RATINGS)
    r = np.clip(r, 1.0, 5.0)
    return users, items, r.astype(np.float32)


class BiasedMF(nn.Module):
    def __init__(self, n_users, n_items, dim, global_mean):
        super().__init__()
        self.P = nn.Embedding(n_users, dim)
        self.Q = nn.Embedding(n_items, dim)
        self.bu = nn.Embedding(n_users, 1)
        self.bi = nn.Embedding(n_items, 1)
        nn.init.normal_(self.P.weight, std=0.1)
        nn.init.normal_(self.Q.weight, std=0.1)
        nn.init.zeros_(self.bu.weight)
        nn.init.zeros_(self.bi.weight)
        self.mu = nn.Parameter(torch.tensor(float(global_mean)))

    def forward(self, u, i):
        dot = (self.P(u) * self.Q(i)).sum(-1)
        return self.mu + self.bu(u).squeeze(-1) + self.bi(i).squeeze(-1) + dot


def rmse(model, loader):
    model.eval()
    se, n = 0.0, 0
    with torch.no_grad():
        for u, i, r in loader:
            pred = model(u, i).clamp(1.0, 5.0)
            se += ((pred - r) ** 2).sum().item()
            n += r.numel()
    return (se / n) ** 0.5


def main():
    users, items, ratings = make_ratings()
    perm = np.random.permutation(N_RATINGS)
    cut = int(0.8 * N_RATINGS)
    tr, va = perm[:cut], perm[cut:]
    to_t = lambda idx: (torch.tensor(users[idx]), torch.tensor(items[idx]), torch.tensor(ratings[idx]))
    train_ds = TensorDataset(*to_t(tr))
    val_ds = TensorDataset(*to_t(va))
    train_dl = DataLoader(train_ds, batch_size=512, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=1024)

    model = BiasedMF(N_USERS, N_ITEMS, 8, ratings[tr].mean())
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    epochs = 20
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = nn.MSELoss()

    for epoch in range(epochs):
        model.train()
        total, n = 0.0, 0
        for u, i, r in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(u, i), r)
            loss.backward()
            opt.step()
            total += loss.item() * r.numel()
            n += r.numel()
        sched.step()
        val = rmse(model, val_dl)
        print(f"epoch {epoch + 1:2d}  train_mse {total / n:.4f}  val_rmse {val:.4f}  lr {sched.get_last_lr()[0]:.5f}")

    print(f"final validation RMSE: {rmse(model, val_dl):.4f}")


if __name__ == "__main__":
    main()
