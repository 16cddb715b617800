"""Customer-churn style tabular task: an ensemble of five small MLPs trained
together with torch.func (stack_module_state + vmap + functional_call)."""
import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import stack_module_state, functional_call, vmap
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)
rng = np.random.default_rng(11)

X, y = make_classification(n_samples=1500, n_features=12, n_informative=5, n_redundant=2,
                           flip_y=0.08, class_sep=0.8, random_state=11)
tenure = rng.gamma(2.0, 12.0, size=len(y))
monthly_fee = rng.normal(60, 15, size=len(y))
retention_calls = 3.0 * y + rng.normal(0, 0.3, size=len(y))
X = np.column_stack([X, tenure, monthly_fee, retention_calls])

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=11, stratify=y)
mean, std = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)


def make_member():
    return nn.Sequential(nn.Linear(X_tr.shape[1], 32), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))


N_MEMBERS = 5
members = [make_member() for _ in range(N_MEMBERS)]
params, buffers = stack_module_state(members)
base = copy.deepcopy(members[0]).to("meta")
for p in params.values():
    p.requires_grad_(True)


def run_member(p, b, x):
    return functional_call(base, (p, b), (x,))


def ensemble_logits(x, same_batch=True):
    in_dims = (0, 0, None) if same_batch else (0, 0, 0)
    return vmap(run_member, in_dims=in_dims, randomness="different")(params, buffers, x)


opt = torch.optim.AdamW(params.values(), lr=2e-3, weight_decay=1e-2)
BATCH = 64
for epoch in range(25):
    base.train()
    perm = torch.randperm(len(X_tr))
    total = 0.0
    for i in range(0, len(perm), BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad(set_to_none=True)
        logits = ensemble_logits(X_tr[idx])                      # (members, batch, 2)
        loss = F.cross_entropy(logits.flatten(0, 1), y_tr[idx].repeat(N_MEMBERS))
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    base.eval()
    with torch.no_grad():
        probs = ensemble_logits(X_va).softmax(-1).mean(0)
        val_acc = (probs.argmax(1) == y_va).float().mean().item()
        val_nll = F.nll_loss(probs.clamp_min(1e-8).log(), y_va).item()
    if epoch % 5 == 4 or epoch == 0:
        print(f"epoch {epoch + 1:2d}  train_loss {total / len(X_tr):.4f}  val_nll {val_nll:.4f}  ens_val_acc {val_acc:.3f}")

print(f"ensemble validation accuracy: {val_acc:.3f}")
