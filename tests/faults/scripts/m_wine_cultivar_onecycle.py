import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score, f1_score

torch.manual_seed(21)
np.random.seed(21)

data = load_wine()
X, y = data.data.astype(np.float32), data.target
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=21, stratify=y)
# per-column log for the skewed columns, then standardise (both fitted on train)
skewed = [i for i in range(X.shape[1]) if X_tr[:, i].max() > 50]
X_tr[:, skewed] = np.log1p(X_tr[:, skewed])
X_va[:, skewed] = np.log1p(X_va[:, skewed])
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd


class WineMLP(nn.Module):
    def __init__(self, d_in, n_cls):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Dropout(0.2),
                                    nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, n_cls))

    def forward(self, x):
        return self.layers(x)


model = WineMLP(X.shape[1], 3)
xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()
xv = torch.from_numpy(X_va)

EPOCHS, BS = 40, 16
steps_per_epoch = (len(yt) + BS - 1) // BS
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=EPOCHS, steps_per_epoch=steps_per_epoch)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(yt))
    run = 0.0
    for i in range(0, len(yt), BS):
        b = perm[i:i + BS]
        optimizer.zero_grad()
        loss = loss_fn(model(xt[b]), yt[b])
        loss.backward()
        optimizer.step()
        sched.step()
        run += loss.item() * len(b)
    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            acc = accuracy_score(y_va, model(xv).argmax(1).numpy())
        print(f"epoch {epoch+1}: loss {run/len(yt):.4f} val_acc {acc:.3f} lr {sched.get_last_lr()[0]:.2e}")

model.eval()
with torch.no_grad():
    pred = model(xv).argmax(1).numpy()
print(f"val accuracy {accuracy_score(y_va, pred):.3f}, macro-F1 {f1_score(y_va, pred, average='macro'):.3f}")
