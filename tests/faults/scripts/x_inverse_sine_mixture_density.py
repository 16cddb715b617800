"""Mixture density network for the classic inverted-sine problem (multi-modal p(y|x))."""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.distributions as D

torch.manual_seed(123)
np.random.seed(123)
torch.set_num_threads(1)

N = 3000
t = np.random.uniform(-1.0, 1.0, N)
x = t + 0.3 * np.sin(2 * np.pi * t) + np.random.normal(0, 0.05, N)   # forward map
inputs, targets = x.reshape(-1, 1), t.reshape(-1, 1)                   # learn the inverse
perm = np.random.permutation(N)
tr_idx, va_idx = perm[:2400], perm[2400:]
in_mean, in_std = inputs[tr_idx].mean(0), inputs[tr_idx].std(0)
tg_mean, tg_std = targets[tr_idx].mean(0), targets[tr_idx].std(0)
inputs = (inputs - in_mean) / in_std
targets = (targets - tg_mean) / tg_std

Xtr = torch.tensor(inputs[tr_idx], dtype=torch.float32)
Ytr = torch.tensor(targets[tr_idx], dtype=torch.float32).squeeze(1)
Xva = torch.tensor(inputs[va_idx], dtype=torch.float32)
Yva = torch.tensor(targets[va_idx], dtype=torch.float32).squeeze(1)


class MDN(nn.Module):
    def __init__(self, n_components=5, hidden=48):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, n_components)
        self.mu = nn.Linear(hidden, n_components)
        self.log_sigma = nn.Linear(hidden, n_components)

    def forward(self, x):
        h = self.hidden(x)
        mix = D.Categorical(logits=self.pi(h))
        comp = D.Normal(self.mu(h), self.log_sigma(h).clamp(-7, 3).exp())
        return D.MixtureSameFamily(mix, comp)


model = MDN()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=4)

best_nll, best_state, bad_epochs, patience = float("inf"), None, 0, 12
batch = 64
for epoch in range(1, 81):
    model.train()
    order = torch.randperm(len(Xtr))
    losses = []
    for k in range(0, len(order), batch):
        idx = order[k:k + batch]
        optimizer.zero_grad()
        nll = -model(Xtr[idx]).log_prob(Ytr[idx]).mean()
        nll.backward()
        optimizer.step()
        losses.append(nll.item())

    model.eval()
    with torch.no_grad():
        val_nll = -model(Xva).log_prob(Yva).mean().item()
    plateau.step(val_nll)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d} train nll {np.mean(losses):.4f} val nll {val_nll:.4f} lr {optimizer.param_groups[0]['lr']:.2e}")
    if val_nll < best_nll - 1e-4:
        best_nll, best_state, bad_epochs = val_nll, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    dist = model(Xva)
    val_nll = -dist.log_prob(Yva).mean().item()
    draws = dist.sample((200,))                     # (200, n_val)
    # probability integral transform: a calibrated model gives uniform PIT values
    pit = (draws <= Yva).float().mean(0)
    hist = torch.histc(pit, bins=5, min=0, max=1) / len(pit)
    unimodal = D.Normal(Ytr.mean(), Ytr.std())
    baseline = -unimodal.log_prob(Yva).mean().item()
print(f"best val nll {val_nll:.4f} (single Gaussian baseline {baseline:.4f})")
print("PIT histogram (ideal 0.2 each):", " ".join(f"{v:.3f}" for v in hist.tolist()))
