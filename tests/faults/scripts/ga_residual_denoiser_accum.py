# Residual denoiser (predicts the noise) trained with SGD+Nesterov, gradient accumulation
# over 4 micro-batches, StepLR and weight decay. Metric: PSNR on held-out images.
import math
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(8)
g = np.random.default_rng(8)
P = 20


def make_clean(n):
    yy, xx = np.mgrid[:P, :P]
    out = np.zeros((n, 1, P, P), np.float32)
    for i in range(n):
        for _ in range(g.integers(2, 5)):
            s = g.integers(3, 8)
            r, c = g.integers(0, P - s, 2)
            out[i, 0, r:r + s, c:c + s] = g.uniform(0.4, 1.0)
    return out


clean = make_clean(700)
noisy = clean + g.normal(0, 0.3, clean.shape).astype(np.float32)
idx = g.permutation(len(clean))
tr, va = idx[:560], idx[560:]
m, s = noisy[tr].mean(), noisy[tr].std()
xin = torch.from_numpy((noisy - m) / s)
tgt = torch.from_numpy(clean)
noisy_t = torch.from_numpy(noisy)


class ResDenoiser(nn.Module):
    def __init__(self, c=24):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
            nn.Conv2d(c, 1, 3, padding=1),
        )

    def forward(self, x_norm, x_raw):
        return x_raw - self.body(x_norm)


def psnr(a, b):
    return 10 * math.log10(1.0 / torch.mean((a - b) ** 2).item())


model = ResDenoiser()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=6, gamma=0.3)
ACCUM, MICRO = 4, 10
tr_t = torch.from_numpy(tr)
print(f"noisy input val PSNR {psnr(noisy_t[va], tgt[va]):.2f} dB")

for epoch in range(15):
    model.train()
    order = tr_t[torch.randperm(len(tr_t))]
    opt.zero_grad()
    tot, n_micro = 0.0, 0
    for k in range(0, len(order), MICRO):
        b = order[k:k + MICRO]
        loss = nn.functional.mse_loss(model(xin[b], noisy_t[b]), tgt[b])
        (loss / ACCUM).backward()
        n_micro += 1
        tot += loss.item()
        if n_micro % ACCUM == 0:
            opt.step()
            opt.zero_grad()
    sched.step()
    model.eval()
    with torch.no_grad():
        out = model(xin[va], noisy_t[va])
    print(f"epoch {epoch + 1:2d} lr {sched.get_last_lr()[0]:.4f} train_mse {tot / n_micro:.5f} "
          f"val_mse {nn.functional.mse_loss(out, tgt[va]).item():.5f} val_psnr {psnr(out, tgt[va]):.2f} dB")
