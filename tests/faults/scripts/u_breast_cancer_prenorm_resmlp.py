"""Pre-norm residual MLP (LayerNorm -> Linear -> GELU -> Linear, + skip) on
the breast-cancer data, with class weights and a per-batch OneCycle schedule."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(123)
np.random.seed(123)

data = load_breast_cancer()
Xtr, Xva, ytr, yva = train_test_split(data.data, data.target, test_size=0.2, stratify=data.target, random_state=123)
sc = StandardScaler().fit(Xtr)
Xtr, Xva = sc.transform(Xtr), sc.transform(Xva)

loader = DataLoader(TensorDataset(torch.tensor(Xtr, dtype=torch.float32), torch.tensor(ytr)),
                    batch_size=32, shuffle=True)
Xva_t = torch.tensor(Xva, dtype=torch.float32)


class ResBlock(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        return x + self.drop(self.fc2(nn.functional.gelu(self.fc1(self.norm(x)))))


class ResMLP(nn.Module):
    def __init__(self, d_in, d=32, depth=2, p=0.2):
        super().__init__()
        self.stem = nn.Linear(d_in, d)
        self.blocks = nn.Sequential(*[ResBlock(d, p) for _ in range(depth)])
        self.final_norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, 2)

    def forward(self, x):
        return self.out(self.final_norm(self.blocks(self.stem(x))))


counts = np.bincount(ytr)
weights = torch.tensor(len(ytr) / (2 * counts), dtype=torch.float32)
criterion = nn.CrossEntropyLoss(weight=weights)
net = ResMLP(Xtr.shape[1])
optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)
epochs = 12
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3, epochs=epochs, steps_per_epoch=len(loader))

for epoch in range(epochs):
    net.train()
    tot = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(net(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        tot += loss.item() * len(yb)
    net.eval()
    with torch.no_grad():
        logits = net(Xva_t)
        val_loss = criterion(logits, torch.tensor(yva)).item()
        prob = logits.softmax(1)[:, 1].numpy()
    pred = prob > 0.5
    if (epoch + 1) % 2 == 0:
        print(f"epoch {epoch + 1:2d} train_loss {tot / len(ytr):.4f} val_loss {val_loss:.4f} "
              f"acc {np.mean(pred == yva):.3f} bal_acc {balanced_accuracy_score(yva, pred):.3f}")

print(f"final: val acc {np.mean(pred == yva):.3f}, balanced acc {balanced_accuracy_score(yva, pred):.3f}, "
      f"AUC {roc_auc_score(yva, prob):.3f}")
