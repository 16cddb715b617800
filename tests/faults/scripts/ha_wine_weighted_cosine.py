import numpy as np, torch, torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
torch.manual_seed(0); np.random.seed(0)
X, y = load_wine(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
sc = StandardScaler().fit(Xtr)
Xtr, Xva = (torch.tensor(sc.transform(a), dtype=torch.float32) for a in (Xtr, Xva))
ytr, yva = torch.tensor(ytr), torch.tensor(yva)
counts = torch.bincount(ytr).float()
w = counts.sum() / (len(counts) * counts)
net = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
EPOCHS = 60
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
ce = nn.CrossEntropyLoss(weight=w)
for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(Xtr)); tl = 0.0
    for s in range(0, len(perm), 16):
        b = perm[s:s + 16]
        opt.zero_grad()
        loss = ce(net(Xtr[b]), ytr[b]); loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step(); tl += loss.item() * len(b)
    sched.step()
    net.eval()
    with torch.no_grad():
        acc = (net(Xva).argmax(1) == yva).float().mean().item()
    if ep % 10 == 9:
        print(f"epoch {ep+1} loss {tl/len(Xtr):.4f} lr {sched.get_last_lr()[0]:.4f} val acc {acc:.3f}")
print("final val acc", round(acc, 3))
