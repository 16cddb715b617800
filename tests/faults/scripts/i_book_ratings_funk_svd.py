"""Funk-SVD style rating predictor for a synthetic book-club dataset."""
import numpy as np
import torch
from torch import nn

torch.manual_seed(1)
np.random.seed(1)

n_readers, n_books, k = 350, 220, 5
rng = np.random.default_rng(1)
R = rng.normal(0, 0.7, (n_readers, k))
B = rng.normal(0, 0.7, (n_books, k))
rows = rng.integers(0, n_readers, 18000)
cols = rng.integers(0, n_books, 18000)
stars = np.clip(3.2 + (R[rows] * B[cols]).sum(1) + rng.normal(0, 0.25, rows.size), 1, 5)

split = rng.permutation(rows.size)
tr, va = split[:14400], split[14400:]
u_tr, i_tr, r_tr = (torch.tensor(a[tr]) for a in (rows, cols, stars.astype(np.float32)))
u_va, i_va, r_va = (torch.tensor(a[va]) for a in (rows, cols, stars.astype(np.float32)))


class FunkSVD(nn.Module):
    def __init__(self, n_u, n_i, dim=12):
        super().__init__()
        self.user_vec = nn.Embedding(n_u, dim)
        self.book_vec = nn.Embedding(n_i, dim)
        self.user_bias = nn.Embedding(n_u, 1)
        self.book_bias = nn.Embedding(n_i, 1)
        self.offset = nn.Parameter(torch.zeros(1))
        for e in (self.user_vec, self.book_vec):
            nn.init.normal_(e.weight, 0.0, 0.1)
        for e in (self.user_bias, self.book_bias):
            nn.init.zeros_(e.weight)

    def forward(self, u, i):
        inter = (self.user_vec(u) * self.book_vec(i)).sum(1)
        return self.offset + self.user_bias(u)[:, 0] + self.book_bias(i)[:, 0] + inter


model = FunkSVD(n_readers, n_books)
optimizer = torch.optim.Adam(model.parameters(), lr=4e-3)
mse = nn.MSELoss()
num_epochs = 3
batch_size = 256

for epoch in range(num_epochs):
    model.train()
    order = torch.randperm(len(r_tr))
    epoch_loss = 0.0
    for s in range(0, len(order), batch_size):
        b = order[s:s + batch_size]
        optimizer.zero_grad()
        loss = mse(model(u_tr[b], i_tr[b]), r_tr[b])
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        val_rmse = torch.sqrt(mse(model(u_va, i_va), r_va)).item()
    print(f"epoch {epoch + 1}/{num_epochs}: train mse {epoch_loss / len(r_tr):.4f}, val rmse {val_rmse:.4f}")

print(f"Validation RMSE = {val_rmse:.4f}")
