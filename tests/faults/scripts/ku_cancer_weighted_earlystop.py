import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score

torch.manual_seed(4)
torch.set_num_threads(1)

data = load_breast_cancer()
Xtr, Xte, ytr, yte = train_test_split(data.data, data.target, test_size=0.25, random_state=4, stratify=data.target)
sc = StandardScaler().fit(Xtr)
Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
Xte = torch.tensor(sc.transform(Xte), dtype=torch.float32)
ytr_t, yte_t = torch.tensor(ytr), torch.tensor(yte)

counts = np.bincount(ytr)
weights = torch.tensor(len(ytr) / (2.0 * counts), dtype=torch.float32)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
crit = nn.CrossEntropyLoss(weight=weights)

best, best_state, bad, patience = float("inf"), None, 0, 8
for epoch in range(80):
    model.train()
    order = torch.randperm(len(Xtr))
    tl = 0.0
    for i in range(0, len(Xtr), 32):
        b = order[i:i + 32]
        opt.zero_grad()
        loss = crit(model(Xtr[b]), ytr_t[b])
        loss.backward()
        opt.step()
        tl += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        vl = crit(model(Xte), yte_t).item()
    plateau.step(vl)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d} train {tl/len(Xtr):.4f} val {vl:.4f} lr {opt.param_groups[0]['lr']:.1e}")
    if vl < best - 1e-4:
        best, best_state, bad = vl, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(Xte).argmax(1).numpy()
print(f"best val loss {best:.4f}  acc {(pred == yte).mean():.4f}  balanced acc {balanced_accuracy_score(yte, pred):.4f}")
