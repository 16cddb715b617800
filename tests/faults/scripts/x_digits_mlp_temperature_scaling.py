# Digits MLP classifier, then post-hoc temperature scaling fitted on the validation split.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(2024)
np.random.seed(2024)
torch.set_num_threads(1)

data = load_digits()
X = data.data.astype(np.float32)
y = data.target.astype(np.int64)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=2024, stratify=y)
mean = Xtr.mean(axis=0)
std = Xtr.std(axis=0) + 1e-6
Xtr = (Xtr - mean) / std
Xva = (Xva - mean) / std

train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(Xtr), torch.from_numpy(ytr)),
    batch_size=32, shuffle=True,
)
Xva_t, yva_t = torch.from_numpy(Xva), torch.from_numpy(yva)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x)


model = MLP()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)


def evaluate(logits, targets):
    probs = logits.softmax(dim=1)
    acc = (probs.argmax(1) == targets).float().mean().item()
    nll = F.cross_entropy(logits, targets).item()
    conf, pred = probs.max(1)
    bins = torch.linspace(0, 1, 11)
    ece = 0.0
    for b in range(10):
        m = (conf > bins[b]) & (conf <= bins[b + 1])
        if m.any():
            ece += m.float().mean().item() * abs(conf[m].mean().item() - (pred[m] == targets[m]).float().mean().item())
    return acc, nll, ece


for epoch in range(25):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        epoch_loss += loss.item() * xb.size(0)
    optimizer.step()

    model.eval()
    with torch.no_grad():
        acc, nll, ece = evaluate(model(Xva_t), yva_t)
    print(f"epoch {epoch + 1:2d}: train loss {epoch_loss / len(Xtr):.4f} | val acc {acc:.4f} nll {nll:.4f} ece {ece:.4f}")

# post-hoc temperature scaling on held-out logits
model.eval()
with torch.no_grad():
    val_logits = model(Xva_t)
log_t = torch.zeros(1, requires_grad=True)
t_opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)


def closure():
    t_opt.zero_grad()
    l = F.cross_entropy(val_logits / log_t.exp(), yva_t)
    l.backward()
    return l


t_opt.step(closure)
T = log_t.exp().item()
acc, nll, ece = evaluate(val_logits, yva_t)
acc_t, nll_t, ece_t = evaluate(val_logits / T, yva_t)
print(f"before scaling: acc {acc:.4f} nll {nll:.4f} ece {ece:.4f}")
print(f"temperature {T:.3f}: acc {acc_t:.4f} nll {nll_t:.4f} ece {ece_t:.4f}")
