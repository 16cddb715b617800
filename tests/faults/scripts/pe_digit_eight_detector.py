# One-vs-rest detector: is this handwritten digit an 8?
# ~10% positives, so we weight the positive term of the BCE loss.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.metrics import average_precision_score, balanced_accuracy_score, confusion_matrix, f1_score

torch.manual_seed(5)
np.random.seed(5)

d = load_digits()
X = d.data.astype(np.float32)
y = (d.target == 8).astype(np.float32)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=5)
mu = Xtr.mean(0)
sd = Xtr.std(0)
sd[sd < 1e-6] = 1.0
Xtr = (Xtr - mu) / sd
Xte = (Xte - mu) / sd
print(f"positives: train {int(ytr.sum())}/{len(ytr)}  val {int(yte.sum())}/{len(yte)}")

Xtr_t, ytr_t = torch.from_numpy(Xtr), torch.from_numpy(ytr)
Xte_t = torch.from_numpy(Xte)

net = nn.Sequential(
    nn.Linear(64, 96), nn.ReLU(),
    nn.Dropout(0.1),
    nn.Linear(96, 32), nn.ReLU(),
    nn.Linear(32, 1),
)
pos_weight = torch.tensor([(1 - ytr.mean()) / ytr.mean()])
crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

BS = 48
history = []
for epoch in range(25):
    net.train()
    perm = torch.randperm(len(Xtr_t))
    ep_loss = 0.0
    for start in range(0, len(perm), BS):
        ids = perm[start:start + BS]
        logits = net(Xtr_t[ids]).squeeze(1)
        loss = crit(logits, ytr_t[ids])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(ids)
    ep_loss /= len(perm)
    net.eval()
    with torch.no_grad():
        prob = torch.sigmoid(net(Xte_t).squeeze(1)).numpy()
    prob = np.nan_to_num(prob, nan=0.5)
    bal = balanced_accuracy_score(yte, prob > 0.5)
    history.append(bal)
    print(f"epoch {epoch + 1:2d}  loss {ep_loss:10.4f}  val balanced acc {bal:.3f}  AP {average_precision_score(yte, prob):.3f}")

pred = prob > 0.5
print(f"\nval balanced acc {balanced_accuracy_score(yte, pred):.3f}, F1 {f1_score(yte, pred):.3f}, "
      f"PR-AUC {average_precision_score(yte, prob):.3f}, best epoch {int(np.argmax(history)) + 1}")
print(confusion_matrix(yte, pred))
