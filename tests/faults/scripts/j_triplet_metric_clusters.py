"""Metric learning with a batch-hard triplet loss on generated clusters; kNN accuracy in embedding space."""
import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.neighbors import KNeighborsClassifier

np.random.seed(8)
torch.manual_seed(8)

K, D, PER = 8, 16, 150
means = np.random.randn(K, D) * 1.2
A = np.random.randn(D, D) / np.sqrt(D)
raw = np.concatenate([m + 0.9 * np.random.randn(PER, D) for m in means])
X = np.tanh(raw @ A) * 3 + 0.1 * raw ** 2            # nonlinear mixing
y = np.repeat(np.arange(K), PER)

perm = np.random.permutation(len(X))
n_tr, n_va = int(0.7 * len(X)), int(0.15 * len(X))
tr, va, te = perm[:n_tr], perm[n_tr:n_tr + n_va], perm[n_tr + n_va:]
m_, s_ = X[tr].mean(0), X[tr].std(0)
T = lambda a: torch.tensor((a - m_) / s_, dtype=torch.float32)
Xtr, Xva, Xte = T(X[tr]), T(X[va]), T(X[te])
ytr, yva, yte = map(torch.tensor, (y[tr], y[va], y[te]))


class Embedder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(D, 128), nn.GELU(), nn.Dropout(0.1),
                                 nn.Linear(128, 128), nn.GELU(), nn.Linear(128, 16))

    def forward(self, x):
        return F.normalize(self.net(x), dim=1)


def batch_hard_triplet(emb, labels, margin=0.3):
    d = torch.cdist(emb, emb)
    same = labels[:, None] == labels[None, :]
    hardest_pos = (d * same.float()).max(1).values
    hardest_neg = (d + 10.0 * same.float()).min(1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


def knn_acc(model, Xq, yq):
    model.eval()
    with torch.no_grad():
        e_tr, e_q = model(Xtr).numpy(), model(Xq).numpy()
    knn = KNeighborsClassifier(n_neighbors=5).fit(e_tr, ytr.numpy())
    return knn.score(e_q, yq.numpy())


model = Embedder()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)

best, best_state, bad_epochs, patience = float("inf"), None, 0, 8
for epoch in range(80):
    model.train()
    order = torch.randperm(len(Xtr))
    losses = []
    for i in range(0, len(Xtr), 128):
        b = order[i:i + 128]
        opt.zero_grad()
        loss = batch_hard_triplet(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_loss = batch_hard_triplet(model(Xva), yva).item()
    plateau.step(val_loss)
    if val_loss < best - 1e-4:
        best, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  train {np.mean(losses):.4f}  val {val_loss:.4f}  "
              f"kNN val acc {knn_acc(model, Xva, yva):.3f}  lr {opt.param_groups[0]['lr']:.1e}")
    if bad_epochs >= patience:
        print(f"early stop at epoch {epoch} (best val triplet loss {best:.4f})")
        break

model.load_state_dict(best_state)
print(f"kNN accuracy  val {knn_acc(model, Xva, yva):.3f}  held-out test {knn_acc(model, Xte, yte):.3f}")
