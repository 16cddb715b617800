"""Supervised baseline for the few-shot study: an MLP classifier on all ten digits,
SGD with momentum and a step schedule. Reports val accuracy and 5-way 1-shot
nearest-prototype accuracy of the penultimate features on held-out rows."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(11)
np.random.seed(11)

digits = load_digits()
Xtr, Xva, ytr, yva = train_test_split(digits.data, digits.target, test_size=0.25,
                                      random_state=11, stratify=digits.target)
scaler = StandardScaler().fit(Xtr)
Xtr = torch.tensor(scaler.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(Xva), dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)

loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=32, shuffle=True)

features = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
classifier = nn.Linear(64, 10)
model = nn.Sequential(features, classifier)

optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0.5)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=6, gamma=0.5)

for epoch in range(15):
    model.train()
    ep_loss, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        ep_loss += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
        seen += len(yb)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        val_acc = (model(Xva).argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:02d}  loss {ep_loss / seen:.4f}  train acc {correct / seen:.3f}  val acc {val_acc:.3f}")

# few-shot probe on held-out rows
rng = np.random.default_rng(0)
yv = yva.numpy()
accs = []
with torch.no_grad():
    emb = features(Xva)
    for _ in range(200):
        cls = rng.choice(10, 5, replace=False)
        s, q, t = [], [], []
        for j, c in enumerate(cls):
            ids = rng.choice(np.flatnonzero(yv == c), 6, replace=False)
            s.append(emb[ids[0]]); q.append(emb[ids[1:]]); t += [j] * 5
        d = torch.cdist(torch.cat(q), torch.stack(s))
        accs.append((d.argmin(1) == torch.tensor(t)).float().mean().item())
print(f"val accuracy {val_acc:.3f} | 5-way 1-shot probe accuracy {np.mean(accs):.3f}")
