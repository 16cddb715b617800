import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

X, y = make_classification(n_samples=3000, n_features=20, n_informative=12, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, class_sep=1.2, random_state=42)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

config = dict(hidden=128, dropout=0.1, lr=0.05, momentum=0.9, weight_decay=0.1, epochs=30, batch_size=64)

model = nn.Sequential(
    nn.Linear(20, config["hidden"]), nn.ReLU(), nn.Dropout(config["dropout"]),
    nn.Linear(config["hidden"], config["hidden"]), nn.ReLU(), nn.Dropout(config["dropout"]),
    nn.Linear(config["hidden"], 4),
)
optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"],
                            weight_decay=config["weight_decay"])
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config["epochs"])
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_train, y_train),
                                           batch_size=config["batch_size"], shuffle=True)


def ece_score(probs, targets, bins=15):
    conf, pred = probs.max(1)
    acc = pred.eq(targets).float()
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.sum() > 0:
            total += sel.float().mean().item() * abs(conf[sel].mean().item() - acc[sel].mean().item())
    return total


for epoch in range(config["epochs"]):
    model.train()
    tot, seen = 0.0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        tot += loss.item() * len(yb)
        seen += len(yb)
    scheduler.step()

    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = F.cross_entropy(logits, y_val).item()
        probs = logits.softmax(-1)
        val_acc = probs.argmax(-1).eq(y_val).float().mean().item()
    print(f"epoch {epoch + 1:02d}  train_loss={tot / seen:.4f}  val_loss={val_loss:.4f}  "
          f"val_acc={val_acc:.4f}  ece={ece_score(probs, y_val):.4f}")

with torch.no_grad():
    probs = model(X_val).softmax(-1)
nll = F.nll_loss(probs.clamp_min(1e-12).log(), y_val).item()
print(f"validation: accuracy={probs.argmax(-1).eq(y_val).float().mean().item():.4f}  nll={nll:.4f}  "
      f"ece={ece_score(probs, y_val):.4f}")
