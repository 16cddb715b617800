# Wine: contrastive pretraining with random feature corruption,
# evaluated with cosine k-NN and a small MLP head with early stopping.
import copy
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
SEED = 13
torch.manual_seed(SEED)
np.random.seed(SEED)

config = dict(temperature=0.2, batch_size=32, corrupt_rate=0.3, epochs=40,
              lr=2e-3, weight_decay=1e-2, knn_k=5, head_max_epochs=200, patience=15)

data = load_wine()
Xtr, Xva, ytr, yva = train_test_split(data.data, data.target, test_size=0.3,
                                      random_state=SEED, stratify=data.target)
scaler = StandardScaler().fit(Xtr)
Xtr = torch.tensor(scaler.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(Xva), dtype=torch.float32)
ytr = torch.tensor(ytr, dtype=torch.long)
yva = torch.tensor(yva, dtype=torch.long)


def corrupt(batch, pool, rate):
    mask = torch.rand_like(batch) < rate
    donors = pool[torch.randint(0, pool.shape[0], batch.shape[:1])]
    return torch.where(mask, donors, batch)


class ScarfNet(nn.Module):
    def __init__(self, d_in, d_hid=64, d_emb=32):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d_in, d_hid), nn.ReLU(), nn.Linear(d_hid, d_emb))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(d_emb, d_emb))

    def forward(self, x):
        return self.head(self.encoder(x))


def info_nce(a, b, t):
    a = F.normalize(a, dim=-1)
    b = F.normalize(b, dim=-1)
    logits = a @ b.T / t
    labels = torch.arange(a.shape[0])
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))


net = ScarfNet(Xtr.shape[1])
optimizer = torch.optim.AdamW(net.parameters(), lr=config["lr"], weight_decay=config["weight_decay"])
loader = DataLoader(TensorDataset(Xtr), batch_size=config["batch_size"], shuffle=True, drop_last=True)

for ep in range(1, config["epochs"] + 1):
    net.train()
    losses = []
    for (xb,) in loader:
        loss = info_nce(net(xb), net(corrupt(xb, Xtr, config["corrupt_rate"])), config["temperature"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    if ep % 5 == 0:
        print(f"pretrain ep {ep:3d}  infonce={np.mean(losses):.4f}")


@torch.no_grad()
def embed(x):
    net.eval()
    return net.encoder(x)


Etr, Eva = embed(Xtr), embed(Xva)


def knn_accuracy(e_train, y_train, e_query, y_query, k):
    sims = F.normalize(e_query, dim=1) @ F.normalize(e_train, dim=1).T
    nn_idx = sims.topk(k, dim=1).indices
    votes = torch.zeros(e_query.shape[0], 3)
    votes.scatter_add_(1, y_train[nn_idx], torch.ones_like(nn_idx, dtype=torch.float32))
    return (votes.argmax(1) == y_query).float().mean().item()


print(f"k-NN (k={config['knn_k']}) val acc: {knn_accuracy(Etr, ytr, Eva, yva, config['knn_k']):.3f}")

# small head on frozen embeddings with early stopping on val loss
class Head(nn.Module):
    def __init__(self, d=32, n_classes=3):
        super().__init__()
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(d, n_classes)

    def forward(self, e):
        return self.fc(self.drop(e))


head = Head()
hopt = torch.optim.Adam(head.parameters(), lr=3e-3, weight_decay=1e-4)
head.fc = nn.Linear(Etr.shape[1], len(data.target_names))
head_loader = DataLoader(TensorDataset(Etr, ytr), batch_size=16, shuffle=True)
best, best_state, bad = float("inf"), None, 0
for ep in range(1, config["head_max_epochs"] + 1):
    head.train()
    for eb, yb in head_loader:
        hopt.zero_grad()
        F.cross_entropy(head(eb), yb).backward()
        hopt.step()
    head.eval()
    with torch.no_grad():
        vloss = F.cross_entropy(head(Eva), yva).item()
        vacc = (head(Eva).argmax(1) == yva).float().mean().item()
    if ep % 10 == 0:
        print(f"head ep {ep:3d}  val_loss={vloss:.4f}  val_acc={vacc:.3f}")
    if vloss < best - 1e-4:
        best, best_state, bad = vloss, copy.deepcopy(head.state_dict()), 0
    else:
        bad += 1
        if bad >= config["patience"]:
            print(f"early stop at epoch {ep}")
            break

head.load_state_dict(best_state)
head.eval()
with torch.no_grad():
    tr_acc = (head(Etr).argmax(1) == ytr).float().mean().item()
    va_acc = (head(Eva).argmax(1) == yva).float().mean().item()
print(f"head: train_acc={tr_acc:.3f} val_acc={va_acc:.3f} best_val_loss={best:.4f}")
