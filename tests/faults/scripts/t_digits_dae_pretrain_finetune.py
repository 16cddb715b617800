"""Two-phase training on sklearn digits.

Phase 1: denoising autoencoder pretraining of the encoder (Gaussian noise on inputs).
Phase 2: fine-tune encoder + linear classifier head on the labelled split.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = scaler.transform(X_tr)
X_va = scaler.transform(X_va)

X_tr_t = torch.tensor(X_tr, dtype=torch.float32)
X_va_t = torch.tensor(X_va, dtype=torch.float32)
y_tr_t = torch.tensor(y_tr, dtype=torch.long)
y_va_t = torch.tensor(y_va, dtype=torch.long)


class Encoder(nn.Module):
    def __init__(self, d_in=64, d_hid=128, d_lat=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, d_hid), nn.ReLU(), nn.Linear(d_hid, d_lat), nn.ReLU())

    def forward(self, x):
        return self.net(x)


encoder = Encoder()
decoder = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 64))

# ---------------- phase 1: denoising pretraining ----------------
pre_loader = DataLoader(TensorDataset(X_tr_t), batch_size=64, shuffle=True)
pre_opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=1e-3)
for epoch in range(15):
    encoder.train(); decoder.train()
    tot = 0.0
    for (xb,) in pre_loader:
        noisy = xb + 0.3 * torch.randn_like(xb)
        recon = decoder(encoder(noisy))
        loss = F.mse_loss(recon, xb)
        pre_opt.zero_grad()
        loss.backward()
        pre_opt.step()
        tot += loss.item() * len(xb)
    if epoch % 5 == 4:
        print(f"[pretrain] epoch {epoch + 1:2d}  recon mse {tot / len(X_tr_t):.4f}")

# ---------------- phase 2: supervised fine-tuning ----------------
head = nn.Linear(32, 10)
model = nn.Sequential(encoder, head)
ft_loader = DataLoader(TensorDataset(X_tr_t, y_tr_t), batch_size=32, shuffle=True)
ft_opt = torch.optim.Adam([
    {"params": encoder.parameters(), "lr": 3e-4},
    {"params": head.parameters(), "lr": 2e-3},
])

for epoch in range(20):
    model.train()
    tot, correct = 0.0, 0
    for xb, yb in ft_loader:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        ft_opt.zero_grad()
        loss.backward()
        tot += loss.item() * len(xb)
        correct += (logits.argmax(1) == yb).sum().item()
    ft_opt.step()
    model.eval()
    with torch.no_grad():
        va_logits = model(X_va_t)
        va_loss = F.cross_entropy(va_logits, y_va_t).item()
        va_acc = (va_logits.argmax(1) == y_va_t).float().mean().item()
    print(f"[finetune] epoch {epoch + 1:2d}  train loss {tot / len(X_tr_t):.4f}  "
          f"train acc {correct / len(X_tr_t):.3f}  val loss {va_loss:.4f}  val acc {va_acc:.3f}")

print(f"final validation accuracy: {va_acc:.4f}")
