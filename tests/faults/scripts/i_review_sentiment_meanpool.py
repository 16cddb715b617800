# Review sentiment / rating-bucket classifier: token embeddings + masked mean pooling.
import copy
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(7)
np.random.seed(7)

VOCAB, PAD, SEQ_LEN, N, C = 300, 0, 30, 8000, 3


def build_dataset():
    g = np.random.default_rng(7)
    polarity = g.normal(0, 1, VOCAB)  # each token carries a little sentiment
    polarity[PAD] = 0.0
    X = np.zeros((N, SEQ_LEN), dtype=np.int64)
    y = np.zeros(N, dtype=np.int64)
    for n in range(N):
        L = g.integers(8, SEQ_LEN + 1)
        toks = g.integers(1, VOCAB, L)
        X[n, :L] = toks
        score = polarity[toks].mean()
        y[n] = 0 if score < -0.12 else (2 if score > 0.12 else 1)
    return torch.from_numpy(X), torch.from_numpy(y)


class MeanPoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32, padding_idx=PAD)
        self.head = nn.Sequential(nn.LayerNorm(32), nn.Linear(32, 64), nn.GELU(),
                                  nn.Dropout(0.4), nn.Linear(64, C))

    def forward(self, x):
        mask = (x != PAD).unsqueeze(-1).float()
        pooled = (self.emb(x) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, loss_fn, optimizer=None):
    training = optimizer is not None
    model.train(training)
    tot_loss, tot_ok, tot_n = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            out = model(xb)
            loss = loss_fn(out, yb)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            tot_loss += loss.item() * len(yb)
            tot_ok += (out.argmax(1) == yb).sum().item()
            tot_n += len(yb)
    return tot_loss / tot_n, tot_ok / tot_n


X, y = build_dataset()
print("class counts:", torch.bincount(y).tolist())
train_set, val_set = random_split(TensorDataset(X, y), [6400, 1600], generator=torch.Generator().manual_seed(7))
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
val_loader = DataLoader(val_set, batch_size=500)

model = MeanPoolNet()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.05)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

best_acc, best_weights, wait = 0.0, None, 0
for epoch in range(1, 15):
    tr_loss, tr_acc = run_epoch(model, train_loader, loss_fn, optimizer)
    va_loss, va_acc = run_epoch(model, val_loader, loss_fn)
    scheduler.step()
    print(f"[{epoch:02d}] train loss {tr_loss:.3f} acc {tr_acc:.3f} | val loss {va_loss:.3f} acc {va_acc:.3f}")
    if va_acc > best_acc:
        best_acc, best_weights, wait = va_acc, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= 6:
            print("no improvement for 6 epochs, stopping")
            break

model.load_state_dict(best_weights)
print(f"best validation accuracy: {run_epoch(model, val_loader, loss_fn)[1]:.4f}")
