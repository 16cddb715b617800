"""SimCLR-style pretraining on 8x8 digits, then a linear probe on frozen features."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

CFG = {
    "seed": 0,
    "batch_size": 128,
    "temperature": 0.5,
    "pretrain_epochs": 15,
    "pretrain_lr": 1e-3,
    "probe_epochs": 30,
    "probe_lr": 1e-2,
    "feat_dim": 64,
    "proj_dim": 32,
}

torch.set_num_threads(1)
torch.manual_seed(CFG["seed"])
np.random.seed(CFG["seed"])

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=CFG["seed"], stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)


def augment(x):
    img = x.view(-1, 8, 8)
    shift = int(torch.randint(-1, 2, (1,)))
    img = torch.roll(img, shifts=shift, dims=2)
    img = img + 0.3 * torch.randn_like(img)
    keep = (torch.rand_like(img) > 0.15).float()
    return (img * keep).view(-1, 64)


class Encoder(nn.Module):
    def __init__(self, feat_dim, proj_dim):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(),
            nn.Linear(128, feat_dim), nn.ReLU(),
        )
        self.projector = nn.Sequential(nn.Linear(feat_dim, feat_dim), nn.ReLU(), nn.Linear(feat_dim, proj_dim))

    def forward(self, x):
        return self.backbone(x)


def nt_xent(z1, z2, tau):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = z @ z.t() / tau
    sim.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


model = Encoder(CFG["feat_dim"], CFG["proj_dim"])
opt = torch.optim.Adam(model.parameters(), lr=CFG["pretrain_lr"])
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=CFG["pretrain_epochs"])

for epoch in range(CFG["pretrain_epochs"]):
    model.train()
    perm = torch.randperm(len(X_tr))
    running, nb = 0.0, 0
    for i in range(0, len(perm), CFG["batch_size"]):
        xb = X_tr[perm[i:i + CFG["batch_size"]]]
        if len(xb) < 2:
            continue
        z1 = model.projector(model(augment(xb)))
        z2 = model.projector(model(augment(xb)))
        loss = nt_xent(z1, z2, CFG["temperature"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
        nb += 1
    sched.step()
    print(f"[pretrain] epoch {epoch + 1:02d} nt-xent {running / nb:.4f} lr {sched.get_last_lr()[0]:.2e}")

# ---- linear probe on frozen features
model.eval()
with torch.no_grad():
    F_tr = model(X_tr)
    F_va = model(X_va)

probe = nn.Linear(CFG["feat_dim"], 10)
popt = torch.optim.Adam(probe.parameters(), lr=CFG["probe_lr"])
for epoch in range(CFG["probe_epochs"]):
    probe.train()
    perm = torch.randperm(len(F_tr))
    tot = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        loss = F.cross_entropy(probe(F_tr[idx]), y_tr[idx])
        popt.zero_grad()
        loss.backward()
        popt.step()
        tot += loss.item() * len(idx)
    probe.eval()
    with torch.no_grad():
        va_acc = (probe(F_va).argmax(1) == y_va).float().mean().item()
    if (epoch + 1) % 5 == 0:
        print(f"[probe] epoch {epoch + 1:02d} loss {tot / len(F_tr):.4f} val_acc {va_acc:.3f}")

with torch.no_grad():
    tr_acc = (probe(F_tr).argmax(1) == y_tr).float().mean().item()
    va_acc = (probe(F_va).argmax(1) == y_va).float().mean().item()
print(f"final linear probe: train_acc {tr_acc:.3f} val_acc {va_acc:.3f}")
