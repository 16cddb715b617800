# Graph classification: tell apart three generated graph families
# (ring lattice with chords, two-community SBM, Erdos-Renyi) with a dense GCN.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)
MAX_N = 20


def ring_lattice(n):
    a = np.zeros((n, n))
    for i in range(n):
        for k in (1, 2):
            a[i, (i + k) % n] = a[(i + k) % n, i] = 1
    for _ in range(rng.integers(0, 3)):
        i, j = rng.choice(n, 2, replace=False)
        a[i, j] = a[j, i] = 1
    return a


def two_communities(n):
    half = n // 2
    block = np.zeros(n, dtype=int)
    block[half:] = 1
    p = np.where(block[:, None] == block[None, :], 0.7, 0.03)
    u = np.triu(rng.random((n, n)) < p, 1)
    return (u | u.T).astype(float)


def erdos_renyi(n):
    u = np.triu(rng.random((n, n)) < 3.0 / (n - 1), 1)
    return (u | u.T).astype(float)


GENERATORS = [ring_lattice, two_communities, erdos_renyi]


def build(n_graphs):
    A = np.zeros((n_graphs, MAX_N, MAX_N), dtype=np.float32)
    X = np.zeros((n_graphs, MAX_N, 3), dtype=np.float32)
    M = np.zeros((n_graphs, MAX_N), dtype=np.float32)
    y = rng.integers(0, 3, n_graphs)
    for g in range(n_graphs):
        n = int(rng.integers(12, MAX_N + 1))
        a = GENERATORS[y[g]](n)
        A[g, :n, :n] = a
        deg = a.sum(1)
        X[g, :n, 0] = deg
        X[g, :n, 1] = (a @ deg) / np.maximum(deg, 1)       # mean neighbour degree
        tri = np.diag(a @ a @ a)
        X[g, :n, 2] = tri / np.maximum(deg * (deg - 1), 1)  # local clustering coefficient
        M[g, :n] = 1
    return A, X, M, y


def normalise(A, M):
    a_hat = A + np.eye(MAX_N, dtype=np.float32)[None] * M[:, :, None]
    d = a_hat.sum(2)
    d_inv = np.where(d > 0, 1.0 / np.sqrt(np.maximum(d, 1e-9)), 0.0)
    return d_inv[:, :, None] * a_hat * d_inv[:, None, :]


A_tr, X_tr, M_tr, y_tr = build(900)
A_va, X_va, M_va, y_va = build(300)
valid = M_tr.astype(bool)
f_mean, f_std = X_tr[valid].mean(0), X_tr[valid].std(0)
X_tr = (X_tr - f_mean) / f_std * M_tr[:, :, None]
X_va = (X_va - f_mean) / f_std * M_va[:, :, None]

to_t = lambda *arrs: [torch.tensor(a) for a in arrs]
A_tr, X_tr, M_tr = to_t(normalise(A_tr, M_tr), X_tr, M_tr)
A_va, X_va, M_va = to_t(normalise(A_va, M_va), X_va, M_va)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class DenseGCN(nn.Module):
    def __init__(self, d_in=3, d=32, n_cls=3):
        super().__init__()
        self.w1 = nn.Linear(d_in, d)
        self.w2 = nn.Linear(d, d)
        self.w3 = nn.Linear(d, d)
        self.readout = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Dropout(0.2), nn.Linear(d, n_cls))

    def forward(self, a, x, m):
        h = F.relu(a @ self.w1(x))
        h = F.relu(a @ self.w2(h)) + h
        h = F.relu(a @ self.w3(h)) + h
        mask = m.unsqueeze(-1)
        mean_pool = (h * mask).sum(1) / mask.sum(1)
        max_pool = h.masked_fill(mask == 0, -1e9).max(1).values
        return self.readout(torch.cat([mean_pool, max_pool], dim=1))


net = DenseGCN()
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)

for epoch in range(1, 25):
    net.train()
    order = torch.randperm(len(y_tr))
    total = 0.0
    for s in range(0, len(order), 32):
        b = order[s:s + 32]
        opt.zero_grad()
        loss = F.cross_entropy(net(A_tr[b], X_tr[b], M_tr[b]), y_tr[b])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=2.0)
        opt.step()
        total += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        logits = net(A_va, X_va, M_va)
        v_loss = F.cross_entropy(logits, y_va).item()
        v_acc = (logits.argmax(1) == y_va).float().mean().item()
    plateau.step(v_loss)
    if epoch % 3 == 0:
        print(f"epoch {epoch:2d} | train {total / len(order):.4f} | val {v_loss:.4f} | acc {v_acc:.3f} | lr {opt.param_groups[0]['lr']:.2e}")

print(f"graph-family validation accuracy: {v_acc:.3f}")
