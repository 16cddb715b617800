"""Bird call species classifier.

Inputs per recording: a 1x16x16 log-mel spectrogram patch and 4 recording
metadata fields (hour of day, temperature, humidity, altitude).
Late fusion: each branch has its own logits, fused logits are their mean.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)
gen = np.random.default_rng(11)

N_SPECIES = 5
n = 1500
species = gen.integers(0, N_SPECIES, n)

spec = gen.normal(0, 1, (n, 1, 16, 16)).astype(np.float32)
band = (species * 3) + 1                     # each species sings in its own mel band
for i in range(n):
    spec[i, 0, band[i]:band[i] + 3, :] += 1.5 + gen.normal(0, 0.3)

meta = gen.normal(0, 1, (n, 4)).astype(np.float32)
meta[:, 0] += np.array([-1.0, -0.5, 0.0, 0.5, 1.0])[species]   # hour of day
meta[:, 3] += np.array([0.8, -0.8, 0.0, 0.8, -0.8])[species]   # altitude

order = gen.permutation(n)
tr, va = order[:1100], order[1100:]
sp_mu, sp_sd = spec[tr].mean(), spec[tr].std()
me_mu, me_sd = meta[tr].mean(0), meta[tr].std(0)
spec = torch.tensor((spec - sp_mu) / sp_sd)
meta = torch.tensor((meta - me_mu) / me_sd)
species = torch.tensor(species)


class SpecBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.fc = nn.Linear(32 * 4 * 4, N_SPECIES)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


class MetaBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, N_SPECIES))

    def forward(self, x):
        return self.mlp(x)


class LateFusion(nn.Module):
    def __init__(self):
        super().__init__()
        self.spec = SpecBranch()
        self.meta = MetaBranch()

    def forward(self, s, m):
        ls, lm = self.spec(s), self.meta(m)
        return (ls + lm) / 2, ls, lm


model = LateFusion()
optimizer = torch.optim.SGD(model.parameters(), lr=1.5, momentum=0.9)

BS, EPOCHS = 32, 15
for epoch in range(EPOCHS):
    model.train()
    perm = tr[torch.randperm(len(tr)).numpy()]
    losses = []
    for k in range(0, len(perm), BS):
        ix = perm[k:k + BS]
        fused, ls, lm = model(spec[ix], meta[ix])
        loss = F.cross_entropy(fused, species[ix]) + 0.5 * (F.cross_entropy(ls, species[ix]) + F.cross_entropy(lm, species[ix]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        fused, ls, lm = model(spec[va], meta[va])
        yv = species[va]
        acc_f = (fused.argmax(1) == yv).float().mean().item()
        acc_s = (ls.argmax(1) == yv).float().mean().item()
        acc_m = (lm.argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {np.mean(losses):.4f}  val acc fused {acc_f:.3f}  spec {acc_s:.3f}  meta {acc_m:.3f}")

print(f"final fused val accuracy {acc_f:.3f}")
