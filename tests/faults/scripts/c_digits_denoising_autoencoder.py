# Denoising convolutional autoencoder on 8x8 digits: corrupt with Gaussian noise, reconstruct the clean image.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(14)
torch.set_num_threads(1)

images = load_digits().images.astype(np.float32)
train_imgs, val_imgs = train_test_split(images, test_size=0.2, random_state=14)
mu, sd = train_imgs.mean(), train_imgs.std()
train_imgs = torch.from_numpy((train_imgs - mu) / sd).unsqueeze(1)
val_imgs = torch.from_numpy((val_imgs - mu) / sd).unsqueeze(1)


class DenoisingAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU())
        self.dec = nn.Sequential(
            nn.ConvTranspose2d(32, 32, 2, stride=2), nn.ReLU(),
            nn.Conv2d(32, 1, 3, padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.dec(self.enc(x))


def weights_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)


dae = DenoisingAE()
dae.apply(weights_init)
opt = torch.optim.Adam(dae.parameters(), lr=2e-3)
mse = nn.MSELoss()
noise_std = 0.5
val_noisy = val_imgs + noise_std * torch.randn_like(val_imgs)

for epoch in range(15):
    dae.train()
    perm = torch.randperm(len(train_imgs))
    running = []
    for i in range(0, len(perm), 64):
        clean = train_imgs[perm[i:i + 64]]
        noisy = clean + noise_std * torch.randn_like(clean)
        opt.zero_grad()
        loss = mse(dae(noisy), clean)
        loss.backward()
        opt.step()
        running.append(loss.item())
    dae.eval()
    with torch.no_grad():
        v = mse(dae(val_noisy), val_imgs).item()
    print(f"epoch {epoch + 1:2d}  train_mse {np.mean(running):.4f}  val_mse {v:.4f}")

print(f"val reconstruction MSE {v:.4f} (noisy-input baseline {mse(val_noisy, val_imgs).item():.4f})")
