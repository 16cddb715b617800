# Prototypical few-shot classifier on 8x8 digits (10-way 3-shot), held-out rows for validation.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(4)
R = np.random.RandomState(4)

X, y = load_digits(return_X_y=True)
tr_x, va_x, tr_y, va_y = train_test_split(X, y, test_size=0.3, random_state=4, stratify=y)
m, s = tr_x.mean(0), tr_x.std(0) + 1e-6
tr_x = torch.tensor((tr_x - m) / s, dtype=torch.float32)
va_x = torch.tensor((va_x - m) / s, dtype=torch.float32)

WAY, SHOT, QRY = 10, 3, 5


def make_episode(xs, ys, rs):
    cls = rs.choice(10, WAY, replace=False)
    sup = torch.stack([xs[rs.choice(np.where(ys == c)[0], SHOT + QRY, replace=False)] for c in cls])
    return sup[:, :SHOT], sup[:, SHOT:].reshape(WAY * QRY, -1), torch.arange(WAY).repeat_interleave(QRY)


encoder = nn.Sequential(nn.Linear(64, 2))
optim = torch.optim.Adam(encoder.parameters(), lr=5e-3)


def logits_for(support, query):
    p = encoder(support.reshape(WAY * SHOT, -1)).reshape(WAY, SHOT, -1).mean(1)
    return -torch.cdist(encoder(query), p) ** 2


for ep in range(1, 13):
    encoder.train()
    L, A = [], []
    for _ in range(40):
        sup, q, t = make_episode(tr_x, tr_y, R)
        out = logits_for(sup, q)
        loss = F.cross_entropy(out, t)
        optim.zero_grad()
        loss.backward()
        optim.step()
        L.append(loss.item()); A.append((out.argmax(1) == t).float().mean().item())
    print("ep %d  loss %.4f  train acc %.3f" % (ep, np.mean(L), np.mean(A)))

encoder.eval()
VR = np.random.RandomState(99)
with torch.no_grad():
    acc = np.mean([(logits_for(sup, q).argmax(1) == t).float().mean().item()
                   for sup, q, t in (make_episode(va_x, va_y, VR) for _ in range(100))])
print("val 10-way 3-shot episode accuracy: %.3f" % acc)
