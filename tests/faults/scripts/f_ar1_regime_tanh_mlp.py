"""Classify the persistence regime of a process from a 64-step record.

Records are AR(1) series x_t = phi * x_{t-1} + e_t. Four regimes by phi:
anti-persistent, white, persistent, near-unit-root. A tanh MLP on the log periodogram does the job.
"""
import numpy as np
import torch
import torch.nn as nn

np.random.seed(9)
torch.manual_seed(9)

STEPS = 64
N_FEAT = STEPS // 2 + 1
PHI_EDGES = np.array([-0.9, -0.3, 0.3, 0.7, 0.97])


def ar1_records(n):
    regime = np.random.randint(0, 4, n)
    phi = np.random.uniform(PHI_EDGES[regime], PHI_EDGES[regime + 1])
    x = np.zeros((n, STEPS))
    e = np.random.randn(n, STEPS)
    x[:, 0] = e[:, 0] / np.sqrt(1 - phi ** 2)
    for t in range(1, STEPS):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    # log periodogram: the spectral slope encodes phi
    spec = np.log(np.abs(np.fft.rfft(x - x.mean(axis=1, keepdims=True), axis=1)) ** 2 + 1e-3)
    return spec.astype(np.float32), regime


X, y = ar1_records(4000)
idx = np.random.permutation(len(y))
tr, va = idx[:3200], idx[3200:]
mu, sd = X[tr].mean(axis=0), X[tr].std(axis=0)
Xtr = torch.tensor((X[tr] - mu) / sd)
Xva = torch.tensor((X[va] - mu) / sd)
ytr, yva = torch.tensor(y[tr]), torch.tensor(y[va])


class RegimeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(
            nn.Linear(N_FEAT, 128), nn.Tanh(),
            nn.Linear(128, 128), nn.Tanh(),
        )
        self.out = nn.Linear(128, 4)
        for m in self.hidden.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=1.0)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.out(self.hidden(x))


model = RegimeNet()
opt = torch.optim.RMSprop(model.parameters(), lr=5e-4, alpha=0.9)
lossf = nn.CrossEntropyLoss()

for epoch in range(1, 16):
    model.train()
    order = torch.randperm(len(ytr))
    batch_losses = []
    for s in range(0, len(order), 64):
        b = order[s:s + 64]
        opt.zero_grad()
        loss = lossf(model(Xtr[b]), ytr[b])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        batch_losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_logits = model(Xva)
        val_loss = lossf(val_logits, yva).item()
        val_acc = (val_logits.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch:2d} train_loss {np.mean(batch_losses):.3f} val_loss {val_loss:.3f} val_acc {val_acc:.3f}")

print(f"validation accuracy: {val_acc:.3f}")
