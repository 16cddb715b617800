"""Supervised pre-training on digits 0-6, then few-shot evaluation on unseen digits 7-9
using class-mean prototypes of the learned features. Gradient accumulation over 4
micro-batches, AdamW, cosine decay per optimizer step."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(3)
rng = np.random.default_rng(3)

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
base = y <= 6
Xb, yb = X[base], y[base]
Xn, yn = X[~base], y[~base]

perm = rng.permutation(len(yb))
n_val = int(0.2 * len(yb))
va_idx, tr_idx = perm[:n_val], perm[n_val:]
mean = Xb[tr_idx].mean(0)
std = Xb[tr_idx].std(0) + 1e-6
norm = lambda a: torch.from_numpy((a - mean) / std)
Xtr, ytr = norm(Xb[tr_idx]), torch.from_numpy(yb[tr_idx]).long()
Xva, yva = norm(Xb[va_idx]), torch.from_numpy(yb[va_idx]).long()
Xnov, ynov = norm(Xn), torch.from_numpy(yn).long()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(128, 64), nn.ReLU())
        self.head = nn.Linear(64, 7)

    def forward(self, x):
        return self.head(self.body(x))


net = Net()
EPOCHS, MICRO, ACCUM = 15, 16, 4
steps_per_epoch = int(np.ceil(len(ytr) / (MICRO * ACCUM)))
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.01)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)

for epoch in range(EPOCHS):
    net.train()
    order = torch.randperm(len(ytr))
    opt.zero_grad()
    running = 0.0
    chunks = list(order.split(MICRO))
    for i, idx in enumerate(chunks):
        loss = F.cross_entropy(net(Xtr[idx]), ytr[idx]) / ACCUM
        loss.backward()
        running += loss.item()
        if (i + 1) % ACCUM == 0 or i + 1 == len(chunks):
            opt.step()
            cos.step()
            opt.zero_grad()
    net.eval()
    with torch.no_grad():
        vacc = (net(Xva).argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch+1:2d} | loss {running * ACCUM / len(chunks):.4f} | base val acc {vacc:.3f} | lr {cos.get_last_lr()[0]:.2e}")

# few-shot eval on novel digits 7/8/9
net.eval()
accs = []
with torch.no_grad():
    feats = F.normalize(net.body(Xnov), dim=1)
    for _ in range(200):
        s_idx, q_idx = [], []
        for c in (7, 8, 9):
            ids = rng.permutation(np.flatnonzero(yn == c))
            s_idx.append(ids[:5]); q_idx.append(ids[5:20])
        protos = torch.stack([feats[s].mean(0) for s in s_idx])
        q = torch.cat([feats[qq] for qq in q_idx])
        tgt = torch.arange(3).repeat_interleave(15)
        accs.append(((q @ protos.t()).argmax(1) == tgt).float().mean().item())
print(f"novel-class 3-way 5-shot accuracy: {np.mean(accs):.3f}")
