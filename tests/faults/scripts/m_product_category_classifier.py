import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score, accuracy_score

torch.manual_seed(3)
np.random.seed(3)

N_CLASSES = 5
X, y = make_classification(n_samples=3000, n_features=12, n_informative=8, n_classes=N_CLASSES,
                           n_clusters_per_class=1, class_sep=1.0, random_state=3)
rng = np.random.RandomState(3)
brand = rng.randint(0, 20, size=len(y))
store = rng.randint(0, 7, size=len(y))

(X_tr, X_va, y_tr, y_va, br_tr, br_va, st_tr, st_va) = train_test_split(
    X, y, brand, store, test_size=0.2, random_state=3, stratify=y)
mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)


def pack(x, br, st):
    return {"dense": torch.from_numpy(((x - mean) / std).astype(np.float32)),
            "brand": torch.from_numpy(br).long(), "store": torch.from_numpy(st).long()}


tr, va = pack(X_tr, br_tr, st_tr), pack(X_va, br_va, st_va)
ytr, yva = torch.from_numpy(y_tr).long(), torch.from_numpy(y_va).long()


class ProductNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.brand_emb = nn.Embedding(20, 8)
        self.store_emb = nn.Embedding(7, 4)
        self.fc1 = nn.Linear(12 + 8 + 4, 128)
        self.fc2 = nn.Linear(128, 64)
        self.out = nn.Linear(64, N_CLASSES)

    def forward(self, dense, brand, store):
        h = torch.cat([dense, self.brand_emb(brand), self.store_emb(store)], dim=1)
        h = F.relu(self.fc1(h))
        h = F.relu(self.fc2(h))
        return self.out(h)


net = ProductNet()
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)

bs, epochs = 64, 20
n = len(ytr)
for epoch in range(epochs):
    net.train()
    perm = torch.randperm(n)
    epoch_loss = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = criterion(net(**{k: v[idx] for k, v in tr.items()}), ytr[idx])
        loss.backward()
        optimizer.step()
        scheduler.step()
        epoch_loss += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        pred = net(**va).argmax(1)
    print(f"epoch {epoch+1:2d} loss {epoch_loss/n:.4f} lr {optimizer.param_groups[0]['lr']:.2e} "
          f"val_acc {accuracy_score(yva, pred):.3f}")

print("macro F1:", round(f1_score(yva, pred, average="macro"), 4))
