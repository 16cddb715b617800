"""Token-sequence classifier: 1-D conv over embeddings, decide whether the
'low' tokens (0-4) outnumber the 'mid' tokens (5-9) in each sequence."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

VOCAB, SEQ_LEN = 20, 30


def make_split(n, rng):
    x = rng.integers(0, VOCAB, size=(n, SEQ_LEN))
    c5 = (x < 5).sum(1)
    c6 = ((x >= 5) & (x < 10)).sum(1)
    # break ties by dropping them
    keep = c5 != c6
    x, y = x[keep], (c5 > c6)[keep].astype(np.int64)
    return torch.tensor(x), torch.tensor(y)


rng = np.random.default_rng(1)
x_train, y_train = make_split(70, rng)
x_val, y_val = make_split(800, rng)
print(f"train {len(x_train)}  val {len(x_val)}")


class ConvEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 64)
        self.conv1 = nn.Conv1d(64, 64, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(64, 64, kernel_size=5, padding=2)
        self.fc = nn.Linear(64, 2)

    def forward(self, tok):
        h = self.emb(tok).transpose(1, 2)
        h = torch.relu(self.conv1(h))
        h = torch.relu(self.conv2(h))
        h = h.mean(dim=2)
        return self.fc(h)


model = ConvEncoder()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)


def evaluate(x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = loss_fn(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    return loss, acc


for epoch in range(1, 41):
    model.train()
    tot = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    if epoch % 10 == 0:
        tr_loss, tr_acc = evaluate(x_train, y_train)
        va_loss, va_acc = evaluate(x_val, y_val)
        print(f"epoch {epoch:3d}  train loss {tr_loss:.4f} acc {tr_acc:.3f} | "
              f"val loss {va_loss:.4f} acc {va_acc:.3f}")

_, tr_acc = evaluate(x_train, y_train)
_, va_acc = evaluate(x_val, y_val)
print(f"final train acc {tr_acc:.3f}  val acc {va_acc:.3f}")
