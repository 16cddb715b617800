"""Patch-token classifier for sklearn digits.

The 8x8 image is cut into eight 2x4 patches; a [CLS] token plus learned
positional embeddings go through one nn.MultiheadAttention block.  Micro-batches
of 32 are accumulated to an effective batch of 64; cosine decay per update.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(17)
np.random.seed(17)

imgs, labels = load_digits(return_X_y=True)
imgs = imgs.reshape(-1, 8, 8).astype(np.float32)
tr_x, va_x, tr_y, va_y = train_test_split(imgs, labels, test_size=0.2, random_state=17, stratify=labels)
px_mean, px_std = tr_x.mean(), tr_x.std()


def to_patches(a):
    a = (a - px_mean) / px_std
    a = a.reshape(-1, 4, 2, 2, 4).transpose(0, 1, 3, 2, 4).reshape(-1, 8, 8)
    return torch.from_numpy(np.ascontiguousarray(a))


tr_x, va_x = to_patches(tr_x), to_patches(va_x)
tr_y, va_y = torch.from_numpy(tr_y), torch.from_numpy(va_y)

freq = torch.bincount(tr_y, minlength=10).float()
class_w = freq.sum() / (10 * freq)


class PatchAttentionNet(nn.Module):
    def __init__(self, d=64, heads=4, n_cls=10, p=0.2):
        super().__init__()
        self.proj = nn.Linear(8, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, 9, d) * 0.02)
        self.ln_a = nn.LayerNorm(d)
        self.mha = nn.MultiheadAttention(d, heads, dropout=p, batch_first=True)
        self.ln_f = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Dropout(p), nn.Linear(2 * d, d))
        self.head = nn.Linear(d, n_cls)

    def forward(self, patches):
        x = self.proj(patches)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], dim=1) + self.pos
        h = self.ln_a(x)
        x = x + self.mha(h, h, h, need_weights=False)[0]
        x = x + self.mlp(self.ln_f(x))
        return self.head(x[:, 0])


model = PatchAttentionNet()
crit = nn.CrossEntropyLoss(weight=class_w)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
MICRO, ACCUM, EPOCHS = 32, 2, 15
steps_per_epoch = -(-len(tr_x) // (MICRO * ACCUM))
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)

for ep in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(tr_x))
    n_micro = (len(perm) + MICRO - 1) // MICRO
    seen, loss_sum = 0, 0.0
    opt.zero_grad()
    for k in range(n_micro):
        idx = perm[k * MICRO:(k + 1) * MICRO]
        loss = crit(model(tr_x[idx]), tr_y[idx])
        (loss / ACCUM).backward()
        loss_sum += loss.item() * len(idx)
        seen += len(idx)
        if (k + 1) % ACCUM == 0 or k + 1 == n_micro:
            opt.step()
            sched.step()
            opt.zero_grad()
    model.eval()
    with torch.no_grad():
        logits = model(va_x)
        vloss = crit(logits, va_y).item()
        vacc = (logits.argmax(-1) == va_y).float().mean().item()
    print(f"epoch {ep + 1:2d}/{EPOCHS} train_loss={loss_sum / seen:.4f} val_loss={vloss:.4f} val_acc={vacc:.3f}")

print(f"final val_acc={vacc:.3f}")
