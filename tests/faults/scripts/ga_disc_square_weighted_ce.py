"""3-class pixel labelling (bg / disc / square) with class-weighted cross-entropy, grad clipping, cosine LR."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(2)
np.random.seed(2)
S = 20


def synth(n):
    yy, xx = np.mgrid[:S, :S]
    x = np.random.normal(0, 0.3, (n, 1, S, S)).astype(np.float32)
    y = np.zeros((n, S, S), np.int64)
    for i in range(n):
        cy, cx = np.random.uniform(4, S - 4, 2)
        r = np.random.uniform(2.5, 4.5)
        y[i][(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = 1
        side = np.random.randint(3, 7)
        r0, c0 = np.random.randint(0, S - side, 2)
        y[i, r0:r0 + side, c0:c0 + side] = 2
        x[i, 0] += (y[i] > 0)
    return x, y


X, Y = synth(600)
perm = np.random.permutation(len(X))
tr, va = perm[:480], perm[480:]
mean, std = X[tr].mean(), X[tr].std()
Xtr, Xva = torch.from_numpy((X[tr] - mean) / std), torch.from_numpy((X[va] - mean) / std)
Ytr, Yva = torch.from_numpy(Y[tr]), torch.from_numpy(Y[va])
freq = torch.bincount(Ytr.flatten(), minlength=3).float()
weights = (freq.sum() / (3 * freq)).sqrt()
print("class weights:", [round(w, 3) for w in weights.tolist()])


class SegNet(nn.Module):
    def __init__(self, w=16):
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(1, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(),
                               nn.Conv2d(w, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
                               nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU())
        self.c = nn.Sequential(nn.Conv2d(3 * w, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(),
                               nn.Conv2d(w, 3, 1))

    def forward(self, x):
        a = self.a(x)
        b = F.interpolate(self.b(F.max_pool2d(a, 2)), size=a.shape[-2:], mode="bilinear", align_corners=False)
        return self.c(torch.cat([a, b], 1))


def miou(p, t):
    return np.mean([((p == k) & (t == k)).sum().item() / max(((p == k) | (t == k)).sum().item(), 1) for k in range(3)])


model = SegNet()
EPOCHS = 10
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)
crit = nn.CrossEntropyLoss(weight=weights)

for ep in range(EPOCHS):
    model.train()
    order = torch.randperm(len(Xtr))
    run = 0.0
    for i in range(0, len(Xtr), 32):
        b = order[i:i + 32]
        opt.zero_grad()
        loss = crit(model(Xtr[b]), Ytr[b])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        opt.step()
        run += loss.item() * len(b)
    sched.step()
    model.eval()
    with torch.no_grad():
        lo = model(Xva)
        pred = lo.argmax(1)
    print(f"epoch {ep + 1:2d} loss {run / len(Xtr):.4f} val_loss {crit(lo, Yva).item():.4f} "
          f"val_pix_acc {(pred == Yva).float().mean().item():.3f} val_mIoU {miou(pred, Yva):.3f}")
print(f"final val mIoU {miou(pred, Yva):.3f}")
