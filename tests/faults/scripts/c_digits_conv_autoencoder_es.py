"""Convolutional autoencoder for 8x8 digits with cosine lr decay and early
stopping on validation reconstruction error."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(5)
torch.set_num_threads(1)
rng = np.random.default_rng(5)

imgs = load_digits().images.astype(np.float32) / 16.0
idx = rng.permutation(len(imgs))
tr, va = imgs[idx[:1400]], imgs[idx[1400:]]
pix_mean, pix_std = tr.mean(), tr.std()
tr_t = torch.from_numpy((tr - pix_mean) / pix_std).unsqueeze(1)
va_t = torch.from_numpy((va - pix_mean) / pix_std).unsqueeze(1)


class ConvAE(nn.Module):
    def __init__(self, code=12):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),   # 4x4
            nn.Flatten(), nn.Linear(32 * 16, code),
        )
        self.decoder = nn.Sequential(
            nn.Linear(code, 32 * 16), nn.ReLU(), nn.Unflatten(1, (32, 4, 4)),
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(),  # 8x8
            nn.Conv2d(16, 1, 3, padding=1),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


ae = ConvAE()
MAX_EPOCHS = 30
optim = torch.optim.Adam(ae.parameters(), lr=3e-3)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=MAX_EPOCHS)
recon = nn.MSELoss()
best, best_state, bad_epochs, patience = float("inf"), None, 0, 4

for epoch in range(MAX_EPOCHS):
    ae.train()
    perm = torch.randperm(len(tr_t))
    losses = []
    for s in range(0, len(perm), 50):
        xb = tr_t[perm[s:s + 50]]
        optim.zero_grad()
        l = recon(ae(xb), xb)
        l.backward()
        optim.step()
        losses.append(l.item())
    cosine.step()
    ae.eval()
    with torch.no_grad():
        v = recon(ae(va_t), va_t).item()
    print(f"epoch {epoch:02d} train_recon {np.mean(losses):.4f} val_recon {v:.4f}")
    if v < best - 1e-4:
        best, best_state, bad_epochs = v, copy.deepcopy(ae.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

ae.load_state_dict(best_state)
ae.eval()
with torch.no_grad():
    final = recon(ae(va_t), va_t).item()
print(f"best val reconstruction MSE (standardised pixels): {final:.4f}  -> explained variance {1 - final:.3f}")
