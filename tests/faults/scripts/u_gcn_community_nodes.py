# Node classification on a generated stochastic-block-model graph with a
# two-layer GCN (separate self / neighbour weights) using a dense, symmetrically normalised adjacency matrix.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(3)
torch.manual_seed(3)

N_NODES, N_CLASSES, N_FEATS = 600, 4, 12
P_IN, P_OUT = 0.025, 0.012

community = rng.integers(0, N_CLASSES, size=N_NODES)
same = community[:, None] == community[None, :]
probs = np.where(same, P_IN, P_OUT)
upper = np.triu(rng.random((N_NODES, N_NODES)) < probs, k=1)
adj = (upper | upper.T).astype(np.float32)

centers = rng.normal(0, 1.0, size=(N_CLASSES, N_FEATS))
features = centers[community] * 0.35 + rng.normal(0, 1.0, size=(N_NODES, N_FEATS))
degree = adj.sum(1, keepdims=True)
features = np.hstack([features, np.log1p(degree), community[:, None] + rng.normal(0, 0.05, size=(N_NODES, 1))])

perm = rng.permutation(N_NODES)
train_idx, val_idx = perm[:420], perm[420:]
mu = features[train_idx].mean(0)
sd = features[train_idx].std(0) + 1e-6
features = (features - mu) / sd

a_hat = adj + np.eye(N_NODES, dtype=np.float32)
d_inv_sqrt = 1.0 / np.sqrt(a_hat.sum(1))
a_norm = torch.tensor(d_inv_sqrt[:, None] * a_hat * d_inv_sqrt[None, :], dtype=torch.float32)

X = torch.tensor(features, dtype=torch.float32)
y = torch.tensor(community, dtype=torch.long)
train_idx = torch.tensor(train_idx)
val_idx = torch.tensor(val_idx)
print(f"graph: {N_NODES} nodes, {int(adj.sum() // 2)} edges, {X.shape[1]} features")


class GCN(nn.Module):
    def __init__(self, d_in, d_hid, n_out, p_drop=0.3):
        super().__init__()
        self.self1 = nn.Linear(d_in, d_hid)
        self.nbr1 = nn.Linear(d_in, d_hid, bias=False)
        self.self2 = nn.Linear(d_hid, n_out)
        self.nbr2 = nn.Linear(d_hid, n_out, bias=False)
        self.drop = nn.Dropout(p_drop)

    def forward(self, x, a):
        h = F.relu(self.self1(x) + a @ self.nbr1(x))
        h = self.drop(h)
        return self.self2(h) + a @ self.nbr2(h)


model = GCN(X.shape[1], 32, N_CLASSES)
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)

for epoch in range(1, 151):
    model.train()
    opt.zero_grad()
    out = model(X, a_norm)
    loss = F.cross_entropy(out[train_idx], y[train_idx])
    loss.backward()
    opt.step()
    if epoch % 15 == 0:
        model.eval()
        with torch.no_grad():
            out = model(X, a_norm)
            val_loss = F.cross_entropy(out[val_idx], y[val_idx]).item()
            train_acc = (out[train_idx].argmax(1) == y[train_idx]).float().mean().item()
            val_acc = (out[val_idx].argmax(1) == y[val_idx]).float().mean().item()
        print(f"epoch {epoch:3d} loss {loss.item():.4f} val_loss {val_loss:.4f} train_acc {train_acc:.3f} val_acc {val_acc:.3f}")

print(f"final validation accuracy: {val_acc:.3f}")
