import numpy as np
import torch
import torch.nn as nn

SEED = 3
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)


def ring_data(n, rng):
    theta = rng.uniform(0, 2 * np.pi, n)
    r = 2.0 + 0.1 * rng.randn(n)
    return np.stack([r * np.cos(theta), r * np.sin(theta)], 1).astype(np.float32)


rng = np.random.RandomState(SEED)
real_train = torch.from_numpy(ring_data(4000, rng))
real_val = torch.from_numpy(ring_data(1000, rng))

Z = 4
G = nn.Sequential(nn.Linear(Z, 64), nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 2))
D = nn.Sequential(nn.Linear(2, 64), nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))

opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()

BS = 128
EPOCHS = 40


def quality(n=1000):
    with torch.no_grad():
        fake = G(torch.randn(n, Z))
        dist = torch.cdist(fake, real_val).min(1).values.mean().item()
        radius = fake.norm(dim=1)
    return dist, radius.mean().item(), radius.std().item()


for epoch in range(EPOCHS):
    G.train(); D.train()
    order = torch.randperm(len(real_train))
    d_losses, g_losses = [], []
    for i in range(0, len(real_train), BS):
        real = real_train[order[i:i + BS]]
        b = len(real)

        # discriminator
        fake = G(torch.randn(b, Z)).detach()
        d_loss = bce(D(real), torch.ones(b, 1)) + bce(D(fake), torch.zeros(b, 1))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        # generator
        fake = G(torch.randn(b, Z))
        g_loss = bce(D(fake), torch.ones(b, 1))
        opt_g.zero_grad()
        g_loss.backward()

        d_losses.append(d_loss.item()); g_losses.append(g_loss.item())
    if epoch % 4 == 0 or epoch == EPOCHS - 1:
        G.eval()
        dist, rm, rs = quality()
        print(f"[{epoch:02d}] D {np.mean(d_losses):.3f}  G {np.mean(g_losses):.3f}  "
              f"dist-to-real {dist:.3f}  radius {rm:.2f}+-{rs:.2f}")

G.eval()
dist, rm, rs = quality(2000)
print(f"final: mean distance to nearest real point {dist:.3f}, sample radius {rm:.2f} (target 2.00)")
