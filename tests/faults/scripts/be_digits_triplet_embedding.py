# Metric learning on digits: TripletMarginLoss embedding + nearest-centroid evaluation.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score

torch.manual_seed(2)
rng = np.random.default_rng(2)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-3
Xtr = torch.tensor((Xtr - mu) / sd, dtype=torch.float32)
Xva = torch.tensor((Xva - mu) / sd, dtype=torch.float32)
ytr_np = ytr
by_class = {c: np.where(ytr_np == c)[0] for c in range(10)}

embed = nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(),
                      nn.Linear(128, 32))
triplet = nn.TripletMarginLoss(margin=0.3)
opt = torch.optim.Adam(embed.parameters(), lr=2e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=8, gamma=0.5)


def sample_triplets(n):
    a_cls = rng.integers(0, 10, n)
    n_cls = (a_cls + rng.integers(1, 10, n)) % 10
    a = np.array([rng.choice(by_class[c]) for c in a_cls])
    p = np.array([rng.choice(by_class[c]) for c in a_cls])
    ng = np.array([rng.choice(by_class[c]) for c in n_cls])
    return a, p, ng


def emb(x):
    return F.normalize(embed(x), dim=1)


for epoch in range(20):
    embed.train()
    run = 0.0
    for _ in range(30):
        a, p, ng = sample_triplets(96)
        opt.zero_grad()
        loss = triplet(emb(Xtr[a]), emb(Xtr[p]), emb(Xtr[ng]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(embed.parameters(), 5.0)
        opt.step()
        run += loss.item()
    sched.step()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: triplet loss {run / 30:.4f}, lr {sched.get_last_lr()[0]:.5f}")

embed.eval()
with torch.no_grad():
    etr, eva = emb(Xtr), emb(Xva)
cent = torch.stack([etr[torch.tensor(ytr_np == c)].mean(0) for c in range(10)])
pred = (eva @ F.normalize(cent, dim=1).T).argmax(1).numpy()
print(f"val nearest-centroid acc {(pred == yva).mean():.3f}, macro-F1 {f1_score(yva, pred, average='macro'):.3f}")
