# digits convnet: denoising conv-autoencoder warm start -> head-only -> full fine-tune
# micro-batches of 16 with 4-step gradient accumulation (effective batch 64)
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(2024)
np.random.seed(2024)

d = load_digits()
X = d.images.astype(np.float32)[:, None]  # (N,1,8,8), values 0..16
Xtr, Xva, ytr, yva = train_test_split(X, d.target, test_size=0.2, random_state=2024, stratify=d.target)
m, s = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
Xtr, Xva = torch.from_numpy(Xtr), torch.from_numpy(Xva)
ytr, yva = torch.from_numpy(ytr).long(), torch.from_numpy(yva).long()


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(2),                     # 4x4
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 16, 128),
                                        nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(64, 32, 3, padding=1),
                                     nn.ReLU(), nn.Conv2d(32, 1, 3, padding=1))

    def forward(self, x):
        return self.classifier(self.features(x))

    def reconstruct(self, x):
        return self.decoder(self.features(x))


net = ConvNet()
MICRO, ACCUM = 16, 4


def accumulate_epoch(opt, loss_fn):
    perm = torch.randperm(len(Xtr))
    chunks = [perm[i:i + MICRO] for i in range(0, len(perm), MICRO)]
    opt.zero_grad()
    total = 0.0
    for k, idx in enumerate(chunks):
        loss = loss_fn(Xtr[idx], ytr[idx])
        (loss / ACCUM).backward()
        total += loss.item() * len(idx)
        if (k + 1) % ACCUM == 0 or k + 1 == len(chunks):
            opt.step()
            opt.zero_grad()
    return total / len(Xtr)


def recon_loss(xb, _):
    noisy = xb + 0.5 * torch.randn_like(xb)
    return F.mse_loss(net.reconstruct(noisy), xb)


def cls_loss(xb, yb):
    return F.cross_entropy(net(xb), yb, label_smoothing=0.05)


@torch.no_grad()
def val_metrics():
    net.eval()
    out = net(Xva)
    return F.cross_entropy(out, yva).item(), (out.argmax(1) == yva).float().mean().item()


opt_ae = torch.optim.AdamW(list(net.features.parameters()) + list(net.decoder.parameters()), lr=2e-3, weight_decay=1e-4)
for ep in range(4):
    net.train()
    print(f"[dae ] ep {ep}  recon {accumulate_epoch(opt_ae, recon_loss):.4f}")

net.features.requires_grad_(False)
opt_head = torch.optim.AdamW(net.classifier.parameters(), lr=2e-3, weight_decay=1e-2)
for ep in range(4):
    net.train()
    tr = accumulate_epoch(opt_head, cls_loss)
    vl, va = val_metrics()
    print(f"[head] ep {ep}  train {tr:.4f}  val {vl:.4f}  acc {va:.3f}")

net.features.requires_grad_(True)
opt_ft = torch.optim.AdamW([{"params": net.features.parameters(), "lr": 5e-4},
                            {"params": net.classifier.parameters(), "lr": 1e-3}], weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt_ft, T_max=10, eta_min=1e-5)
for ep in range(10):
    net.train()
    tr = accumulate_epoch(opt_ft, cls_loss)
    sched.step()
    vl, va = val_metrics()
    print(f"[full] ep {ep}  train {tr:.4f}  val {vl:.4f}  acc {va:.3f}  lr {sched.get_last_lr()[0]:.1e}")

print(f"validation accuracy: {val_metrics()[1]:.4f}")
