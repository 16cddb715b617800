import copy

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=8)
mean = X_train.mean(axis=0)
std = X_train.std(axis=0)
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train_t = torch.tensor(y_train, dtype=torch.long)
y_val_t = torch.tensor(y_val, dtype=torch.long)


class DenoisingAE(nn.Module):
    def __init__(self, d=30, code=6):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 32), nn.Tanh(), nn.Linear(32, code))
        self.decoder = nn.Sequential(nn.Linear(code, 32), nn.Tanh(), nn.Linear(32, d))

    def forward(self, x):
        return self.decoder(self.encoder(x))


dae = DenoisingAE()
dae_opt = torch.optim.Adam(dae.parameters(), lr=2e-3)
dae_loader = DataLoader(TensorDataset(X_train), batch_size=32, shuffle=True)
for epoch in range(40):
    dae.train()
    tot = 0.0
    for (xb,) in dae_loader:
        noisy = xb + 0.3 * torch.randn_like(xb)
        loss = nn.functional.mse_loss(dae(noisy), xb)
        dae_opt.zero_grad()
        loss.backward()
        dae_opt.step()
        tot += loss.item() * len(xb)
    if (epoch + 1) % 10 == 0:
        dae.eval()
        with torch.no_grad():
            v = nn.functional.mse_loss(dae(X_val), X_val).item()
        print(f"[dae] epoch {epoch + 1}: train {tot / len(X_train):.4f} val {v:.4f}")

dae.eval()
with torch.no_grad():
    F_train = torch.cat([X_train, dae.encoder(X_train)], 1)
    F_val = torch.cat([X_val, dae.encoder(X_val)], 1)

counts = np.bincount(y_train)
class_w = torch.tensor(len(y_train) / (2.0 * counts), dtype=torch.float32)
print("class weights:", class_w.numpy().round(3))

clf = nn.Sequential(nn.Linear(F_train.shape[1], 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 2))
criterion = nn.CrossEntropyLoss(weight=class_w)
opt = torch.optim.Adam(clf.parameters(), lr=1e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
loader = DataLoader(TensorDataset(F_train, y_train_t), batch_size=32, shuffle=True)

best_loss, best_state, bad_epochs, patience = float("inf"), None, 0, 8
for epoch in range(80):
    clf.train()
    tr_loss = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = criterion(clf(xb), yb)
        loss.backward()
        opt.step()
        tr_loss += loss.item() * len(xb)
    clf.eval()
    with torch.no_grad():
        logits = clf(F_val)
        val_loss = criterion(logits, y_val_t).item()
        val_acc = (logits.argmax(1) == y_val_t).float().mean().item()
    plateau.step(val_loss)
    print(f"[clf] epoch {epoch + 1:2d} train {tr_loss / len(F_train):.4f} val {val_loss:.4f} "
          f"acc {val_acc:.3f} lr {opt.param_groups[0]['lr']:.1e}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(clf.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stop at epoch {epoch + 1}")
            break

clf.load_state_dict(best_state)
clf.eval()
with torch.no_grad():
    probs = clf(F_val).softmax(1)[:, 1].numpy()
pred = (probs > 0.5).astype(int)
print(f"best val loss {best_loss:.4f}  acc {(pred == y_val).mean():.3f}  "
      f"balanced acc {balanced_accuracy_score(y_val, pred):.3f}  auc {roc_auc_score(y_val, probs):.3f}")
