# Routes support tickets to one of 5 queues from their token ids (EmbeddingBag).
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(5)
np.random.seed(5)

VOCAB, N_QUEUES, PER_QUEUE = 1200, 5, 700
SEQ = 24


def make_tickets(rng):
    shared_pool = rng.choice(np.arange(1, VOCAB), 60, replace=False)
    topic_words = np.stack([rng.choice(shared_pool, 25, replace=False) for _ in range(N_QUEUES)])
    X, y = [], []
    for q in range(N_QUEUES):
        for _ in range(PER_QUEUE):
            n_sig = rng.integers(2, 6)
            toks = np.concatenate([rng.choice(topic_words[q], n_sig), rng.integers(1, VOCAB, SEQ - n_sig)])
            X.append(rng.permutation(toks))
            y.append(q)
    return np.array(X), np.array(y)


class Tickets(Dataset):
    def __init__(self, X, y):
        self.X = torch.as_tensor(X, dtype=torch.long)
        self.y = torch.as_tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class Router(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(VOCAB, 32, mode="mean")
        self.hidden = nn.Sequential(nn.Linear(32, 32), nn.ReLU())
        self.out = nn.Linear(32, N_QUEUES)

    def forward(self, x):
        return self.out(self.hidden(self.bag(x)))


rng = np.random.default_rng(5)
X, y = make_tickets(rng)
is_val = rng.random(len(y)) < 0.2
train_ds, val_ds = Tickets(X[~is_val], y[~is_val]), Tickets(X[is_val], y[is_val])
print(f"train tickets: {len(train_ds)}, val tickets: {len(val_ds)}")

train_loader = DataLoader(train_ds, batch_size=32, shuffle=False)
val_loader = DataLoader(val_ds, batch_size=256)

model = Router()
opt = torch.optim.Adam(model.parameters(), lr=2e-2)
criterion = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    tl, n = 0.0, 0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        opt.step()
        tl += loss.item() * len(yb)
        n += len(yb)
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    print(f"epoch {epoch + 1:2d}  train_loss {tl / n:.4f}  val_acc {correct / total:.3f}")

print(f"final val accuracy {correct / total:.3f}")
