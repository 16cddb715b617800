"""
Lab 7 - Wine: encoder + linear classifier head.
Step 1: data   Step 2: model   Step 3: loop   Step 4: curves table
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(21)
np.random.seed(21)

# Step 1: data -------------------------------------------------------
X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=21, stratify=y)
mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)
assert X_tr.shape == (124, 13) and X_va.shape == (54, 13)

# Step 2: model ------------------------------------------------------
class EncoderClassifier(nn.Module):
    def __init__(self, d_in=13, d_hid=16, d_z=2, n_cls=3):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d_in, d_hid), nn.ReLU(), nn.Linear(d_hid, d_z))
        self.head = nn.Linear(d_z, n_cls)

    def forward(self, x):
        z = self.encoder(x)
        assert z.shape == (x.shape[0], 2)
        # unit-normalise the embedding (numpy, as in lecture 6 notes)
        z_np = z.detach().numpy()
        z_np = z_np / (np.linalg.norm(z_np, axis=1, keepdims=True) + 1e-8)
        z = torch.from_numpy(z_np)
        return self.head(z) * 5.0

model = EncoderClassifier()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
w0 = model.encoder[0].weight.detach().clone()

# Step 3: training loop ------------------------------------------------
rows = []
for epoch in range(1, 41):
    model.train()
    perm = torch.randperm(len(X_tr))
    tot = 0.0
    for i in range(0, len(perm), 16):
        b = perm[i:i + 16]
        opt.zero_grad()
        out = model(X_tr[b])
        assert out.shape == (len(b), 3)
        loss = loss_fn(out, y_tr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        tr_acc = (model(X_tr).argmax(1) == y_tr).float().mean().item()
        va_out = model(X_va)
        va_loss = loss_fn(va_out, y_va).item()
        va_acc = (va_out.argmax(1) == y_va).float().mean().item()
    rows.append((epoch, tot / len(perm), tr_acc, va_loss, va_acc))

# Step 4: table --------------------------------------------------------
print(" epoch | train loss | train acc | val loss | val acc")
for r in rows[::4] + [rows[-1]]:
    print(f" {r[0]:5d} | {r[1]:10.4f} | {r[2]:9.3f} | {r[3]:8.4f} | {r[4]:7.3f}")
print(f"encoder layer-1 weight change (L2): {(model.encoder[0].weight - w0).norm().item():.4f}")
print(f"final val accuracy: {rows[-1][4]:.3f}")
