"""Per-position event tagger for 1-D signals (background / rising edge / peak).
Dilated Conv1d, class-weighted cross-entropy, gradient accumulation over 4 micro-batches,
cosine schedule, gradient clipping."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(13)
np.random.seed(13)
torch.set_num_threads(1)

L = 64
gen = np.random.default_rng(13)


def synth(n):
    x = gen.normal(scale=0.3, size=(n, 1, L)).astype(np.float32)
    y = np.zeros((n, L), dtype=np.int64)
    for i in range(n):
        for c in gen.choice(np.arange(6, L - 2), size=gen.integers(1, 4), replace=False):
            amp = gen.uniform(1.5, 3.0)
            x[i, 0, c - 4:c] += np.linspace(0.2, 0.8, 4) * amp
            x[i, 0, c] += amp
            y[i, c - 4:c] = 1
            y[i, c] = 2
    return x, y


x_train, y_train = synth(600)
x_valid, y_valid = synth(150)
mean, std = x_train.mean(), x_train.std()
x_train, x_valid = (x_train - mean) / std, (x_valid - mean) / std
x_train, y_train, x_valid, y_valid = map(torch.from_numpy, (x_train, y_train, x_valid, y_valid))

freq = torch.bincount(y_train.flatten(), minlength=3).float()
class_w = (freq.sum() / (3 * freq)).sqrt()

net = nn.Sequential(
    nn.Conv1d(1, 24, 5, padding=2), nn.ReLU(),
    nn.Conv1d(24, 24, 5, padding=4, dilation=2), nn.ReLU(),
    nn.Conv1d(24, 24, 3, padding=1), nn.ReLU(),
    nn.Conv1d(24, 3, 1),
)
loss_fn = nn.CrossEntropyLoss(weight=class_w)
EPOCHS, MICRO, ACCUM = 15, 16, 4
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
n_updates = EPOCHS * ((len(x_train) + MICRO * ACCUM - 1) // (MICRO * ACCUM))
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n_updates)

for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(x_train))
    chunks = list(torch.split(perm, MICRO))
    ep_loss = 0.0
    opt.zero_grad()
    for k, b in enumerate(chunks):
        loss = loss_fn(net(x_train[b]), y_train[b])
        (loss / ACCUM).backward()
        ep_loss += loss.item()
        if (k + 1) % ACCUM == 0 or k + 1 == len(chunks):
            nn.utils.clip_grad_norm_(net.parameters(), 2.0)
            opt.step()
            cos.step()
            opt.zero_grad()
    net.eval()
    with torch.no_grad():
        pv = net(x_valid).argmax(1)
    f1 = []
    for c in range(3):
        tp = ((pv == c) & (y_valid == c)).sum().item()
        f1.append(2 * tp / max(2 * tp + ((pv == c) & (y_valid != c)).sum().item()
                               + ((pv != c) & (y_valid == c)).sum().item(), 1))
    print(f"ep {ep + 1:2d} loss {ep_loss / len(chunks):.4f} val macro-F1 {np.mean(f1):.3f} peak-F1 {f1[2]:.3f}")

print(f"final val token acc {(pv == y_valid).float().mean():.3f}, macro-F1 {np.mean(f1):.3f}")
