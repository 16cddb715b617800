"""digits: MLP with PGD adversarial training (3 steps, L-inf), SGD+nesterov,
ReduceLROnPlateau on val loss, grad-norm clipping."""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)

digits = load_digits()
Xtr, Xva, ytr, yva = train_test_split(digits.data.astype(np.float32), digits.target,
                                      test_size=0.2, random_state=1, stratify=digits.target)
mean = Xtr.mean(0)
std = Xtr.std(0) + 1e-3
Xtr = (Xtr - mean) / std
Xva = (Xva - mean) / std

tr = TensorDataset(torch.tensor(Xtr), torch.tensor(ytr))
va = TensorDataset(torch.tensor(Xva), torch.tensor(yva))
tr_loader = DataLoader(tr, batch_size=64, shuffle=True)
va_loader = DataLoader(va, batch_size=512)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def pgd(model, x, y, eps=0.3, alpha=0.12, steps=3):
    delta = torch.empty_like(x).uniform_(-eps, eps)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(x + delta), y)
        g, = torch.autograd.grad(loss, delta)
        delta = (delta + alpha * g.sign()).clamp(-eps, eps).detach()
    return (x + delta).detach()


opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)


def run_eval():
    model.eval()
    loss_sum, clean_ok, adv_ok, n = 0.0, 0, 0, 0
    for xb, yb in va_loader:
        with torch.no_grad():
            out = model(xb)
            loss_sum += F.cross_entropy(out, yb, reduction="sum").item()
            clean_ok += (out.argmax(1) == yb).sum().item()
        xa = pgd(model, xb, yb)
        with torch.no_grad():
            adv_ok += (model(xa).argmax(1) == yb).sum().item()
        n += len(yb)
    return loss_sum / n, clean_ok / n, adv_ok / n


for epoch in range(1, 16):
    model.train()
    total = 0.0
    for xb, yb in tr_loader:
        x_adv = pgd(model, xb, yb)
        opt.zero_grad()
        loss = F.cross_entropy(model(torch.cat([xb, x_adv])), torch.cat([yb, yb]))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        opt.step()
        total += loss.item() * len(yb)
    vl, ca, aa = run_eval()
    plateau.step(vl)
    print(f"epoch {epoch:2d} | train loss {total / len(tr):.4f} | val loss {vl:.4f} | "
          f"clean {ca:.3f} | pgd {aa:.3f} | lr {opt.param_groups[0]['lr']:.4f}")

vl, ca, aa = run_eval()
print(f"FINAL  clean acc = {ca:.3f}   pgd acc = {aa:.3f}")
