# GRU sequence classifier: which of the 10 "signal" tokens occurs most often
# in a sequence padded with filler tokens.
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)
rng = np.random.default_rng(11)

N_CLS, FILLER, L = 10, 10, 24


def sample(n):
    y = rng.integers(0, N_CLS, size=n)
    seqs = rng.integers(0, N_CLS + FILLER, size=(n, L))
    for i in range(n):
        pos = rng.choice(L, size=6, replace=False)
        seqs[i, pos] = y[i]
    return torch.tensor(seqs), torch.tensor(y)


Xtr, Ytr = sample(2000)
Xva, Yva = sample(500)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(N_CLS + FILLER, 32)
        self.gru = nn.GRU(32, 64, batch_first=True)
        self.fc = nn.Linear(64, N_CLS)
        nn.init.normal_(self.fc.weight, mean=0.0, std=6.0)

    def forward(self, x):
        out, h = self.gru(self.embed(x))
        return self.fc(h.squeeze(0))


net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)

with torch.no_grad():
    init_loss = F.cross_entropy(net(Xtr[:256]), Ytr[:256]).item()
print(f"loss before training: {init_loss:.3f}  (ln {N_CLS} = {np.log(N_CLS):.3f})")

BS = 64
step = 0
for ep in range(8):
    net.train()
    order = torch.randperm(len(Xtr))
    total = 0.0
    for b in range(0, len(order), BS):
        ix = order[b:b + BS]
        logits = net(Xtr[ix])
        loss = F.cross_entropy(logits, Ytr[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step == 0:
            print(f"step 0 loss {loss.item():.3f}")
        step += 1
        total += loss.item() * len(ix)
    net.eval()
    with torch.no_grad():
        acc = (net(Xva).argmax(-1) == Yva).float().mean().item()
    print(f"ep {ep}  loss {total / len(Xtr):.3f}  val_acc {acc:.3f}")
print(f"final val accuracy {acc:.3f}")
