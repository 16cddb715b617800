import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y, random_state=8)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_te = torch.tensor(sc.transform(X_te), dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.float32)
y_te = torch.tensor(y_te, dtype=torch.float32)

model = nn.Sequential(
    nn.Linear(30, 64), nn.LayerNorm(64), nn.GELU(), nn.Dropout(0.2),
    nn.Linear(64, 32), nn.GELU(),
    nn.Linear(32, 1),
)

grad_sq = {n: 0.0 for n, _ in model.named_parameters()}
for n, p in model.named_parameters():
    p.register_hook(lambda g, n=n: grad_sq.__setitem__(n, grad_sq[n] + g.float().pow(2).sum().item()))

MICRO, ACCUM, EPOCHS = 16, 4, 30
micro_per_epoch = math.ceil(len(X_tr) / MICRO)
updates = EPOCHS * math.ceil(micro_per_epoch / ACCUM)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=updates)

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(X_tr))
    opt.zero_grad(set_to_none=True)
    ep_loss = 0.0
    for k in range(micro_per_epoch):
        idx = order[k * MICRO:(k + 1) * MICRO]
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(X_tr[idx]).squeeze(1)
        loss = F.binary_cross_entropy_with_logits(logits.float(), y_tr[idx])
        (loss / ACCUM).backward()
        ep_loss += loss.item() * len(idx)
        if (k + 1) % ACCUM == 0 or k + 1 == micro_per_epoch:
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
    model.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        te_logits = model(X_te).squeeze(1).float()
    te_loss = F.binary_cross_entropy_with_logits(te_logits, y_te).item()
    te_acc = ((te_logits > 0).float() == y_te).float().mean().item()
    if epoch % 5 == 0 or epoch == EPOCHS - 1:
        first, last = math.sqrt(grad_sq["0.weight"]), math.sqrt(grad_sq["6.weight"])
        print(f"ep {epoch:2d} train_bce {ep_loss / len(X_tr):.4f} val_bce {te_loss:.4f} "
              f"val_acc {te_acc:.3f} grad|0.w| {first:.3f} grad|6.w| {last:.3f}")
    grad_sq = {n: 0.0 for n in grad_sq}

auc = roc_auc_score(y_te.numpy(), te_logits.numpy())
print(f"held-out accuracy {te_acc:.3f}  ROC-AUC {auc:.4f}")
