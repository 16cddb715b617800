import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.neighbors import KNeighborsClassifier

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

pts, _ = make_moons(n_samples=5000, noise=0.05, random_state=42)
pts = pts.astype(np.float32)
shuffle = np.random.permutation(len(pts))
train_pts, val_pts = pts[shuffle[:4000]], pts[shuffle[4000:]]
center, scale = train_pts.mean(0), train_pts.std(0)
train_pts = torch.from_numpy((train_pts - center) / scale)
val_pts = torch.from_numpy((val_pts - center) / scale)

LATENT = 8


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(LATENT, 128)
        self.fc2 = nn.Linear(128, 128)
        self.out = nn.Linear(128, 2)

    def forward(self, z):
        h = F.leaky_relu(self.fc1(z), 0.2)
        h = F.leaky_relu(self.fc2(h), 0.2)
        return self.out(h)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(2, 128), nn.LeakyReLU(0.2),
            nn.Linear(128, 128), nn.LeakyReLU(0.2),
            nn.Linear(128, 1),
        )

    def forward(self, x):
        return self.body(x)


gen, disc = Generator(), Discriminator()
g_opt = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(disc.parameters(), lr=1e-3, betas=(0.5, 0.999))
EPOCHS = 45
decay = lambda e: 1.0 - 0.9 * e / EPOCHS
g_sched = torch.optim.lr_scheduler.LambdaLR(g_opt, decay)
d_sched = torch.optim.lr_scheduler.LambdaLR(d_opt, decay)


def two_sample_score(fake, real):
    """kNN real-vs-fake accuracy on held-out points: 0.5 means indistinguishable."""
    n = min(len(fake), len(real))
    Xs = np.concatenate([fake[:n].numpy(), real[:n].numpy()])
    ys = np.r_[np.zeros(n), np.ones(n)]
    idx = np.random.RandomState(0).permutation(2 * n)
    Xs, ys = Xs[idx], ys[idx]
    half = n
    knn = KNeighborsClassifier(n_neighbors=5).fit(Xs[:half], ys[:half])
    return knn.score(Xs[half:], ys[half:])


batch_size = 128
for epoch in range(1, EPOCHS + 1):
    gen.train(); disc.train()
    perm = torch.randperm(len(train_pts))
    sum_d = sum_g = 0.0
    steps = 0
    for k in range(0, len(train_pts), batch_size):
        real = train_pts[perm[k:k + batch_size]]
        n = real.size(0)

        d_opt.zero_grad()
        with torch.no_grad():
            fake = gen(torch.randn(n, LATENT))
        d_real, d_fake = disc(real), disc(fake)
        loss_d = F.binary_cross_entropy_with_logits(d_real, torch.full_like(d_real, 0.9)) + \
            F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
        loss_d.backward()
        d_opt.step()

        g_opt.zero_grad()
        d_gen = disc(gen(torch.randn(n, LATENT)))
        loss_g = F.binary_cross_entropy_with_logits(d_gen, torch.ones_like(d_gen))
        loss_g.backward()
        g_opt.step()

        sum_d += loss_d.item(); sum_g += loss_g.item(); steps += 1
    g_sched.step()
    d_sched.step()

    if epoch % 5 == 0 or epoch == 1:
        gen.eval()
        with torch.no_grad():
            samples = gen(torch.randn(1000, LATENT))
        nn_dist = torch.cdist(samples, val_pts).min(1).values.mean().item()
        print(f"epoch {epoch:2d}  loss_d {sum_d / steps:.3f}  loss_g {sum_g / steps:.3f}  "
              f"nn-dist {nn_dist:.3f}")

gen.eval()
with torch.no_grad():
    samples = gen(torch.randn(1000, LATENT))
nn_dist = torch.cdist(samples, val_pts).min(1).values.mean().item()
ref = torch.cdist(val_pts[:500], val_pts[500:]).min(1).values.mean().item()
print(f"final nn-dist to val points {nn_dist:.3f} (val-to-val reference {ref:.3f}); "
      f"kNN real-vs-fake accuracy {two_sample_score(samples, val_pts):.3f}")
