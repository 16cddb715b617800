# Contrastive pretraining on breast-cancer rows (gaussian noise + feature masking views)
# with gradient accumulation, then a logistic-regression probe on the frozen encoder.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(11)
np.random.seed(11)

TEMP = 0.3
MICRO_BATCH = 32
ACCUM_STEPS = 4
EPOCHS = 20
LR = 1e-3

X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=11)
m, s = X_train.mean(0), X_train.std(0)
X_train = torch.tensor((X_train - m) / s, dtype=torch.float32)
X_val = torch.tensor((X_val - m) / s, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)


def view(x):
    noisy = x + 0.2 * torch.randn_like(x)
    return noisy * (torch.rand_like(x) > 0.2).float()


def nt_xent(h1, h2, tau=TEMP):
    h = F.normalize(torch.cat([h1, h2], 0), dim=1)
    sim = h @ h.t() / tau
    n = h1.size(0)
    sim = sim - 1e9 * torch.eye(2 * n)
    target = torch.arange(2 * n).roll(n)
    return F.cross_entropy(sim, target)


encoder = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
projector = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 16))
params = list(encoder.parameters()) + list(projector.parameters())
opt = torch.optim.AdamW(params, lr=LR, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=8, gamma=0.5)

for epoch in range(EPOCHS):
    encoder.train(); projector.train()
    perm = torch.randperm(len(X_train))
    chunks = list(perm.split(MICRO_BATCH))
    chunks = [c for c in chunks if len(c) > 1]
    epoch_loss = 0.0
    opt.zero_grad()
    for k, idx in enumerate(chunks):
        xb = X_train[idx]
        loss = nt_xent(projector(encoder(view(xb))), projector(encoder(view(xb))))
        (loss / ACCUM_STEPS).backward()
        epoch_loss += loss.item()
        if (k + 1) % ACCUM_STEPS == 0 or k + 1 == len(chunks):
            opt.step()
            opt.zero_grad()
    sched.step()
    print(f"epoch {epoch + 1:2d}/{EPOCHS} contrastive loss {epoch_loss / len(chunks):.4f}")

encoder.eval()
with torch.no_grad():
    z_train, z_val = encoder(X_train), encoder(X_val)

probe = nn.Linear(32, 1)
popt = torch.optim.Adam(probe.parameters(), lr=5e-3, weight_decay=1e-4)
for epoch in range(60):
    probe.train()
    perm = torch.randperm(len(z_train))
    for idx in perm.split(32):
        popt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(probe(z_train[idx]).squeeze(1), y_train[idx])
        loss.backward()
        popt.step()
    if (epoch + 1) % 15 == 0:
        probe.eval()
        with torch.no_grad():
            vl = F.binary_cross_entropy_with_logits(probe(z_val).squeeze(1), y_val).item()
            va = ((probe(z_val).squeeze(1) > 0).float() == y_val).float().mean().item()
        print(f"probe epoch {epoch + 1} val_loss {vl:.4f} val_acc {va:.3f}")

probe.eval()
with torch.no_grad():
    tr_acc = ((probe(z_train).squeeze(1) > 0).float() == y_train).float().mean().item()
    va_acc = ((probe(z_val).squeeze(1) > 0).float() == y_val).float().mean().item()
print(f"linear probe  train_acc={tr_acc:.3f}  val_acc={va_acc:.3f}")
