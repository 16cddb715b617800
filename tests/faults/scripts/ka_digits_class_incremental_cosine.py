"""Class-incremental digits with experience replay.

Classes arrive two at a time. Each incoming batch is concatenated with an equal
number of rows drawn from a reservoir memory of everything seen so far. The
learning rate follows a fresh cosine curve inside each experience (stepped per
batch), so every new pair of classes starts from the full learning rate.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 21
torch.manual_seed(SEED)
torch.set_num_threads(1)
gen = np.random.default_rng(SEED)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
mu = X_train.mean(axis=0)
sigma = X_train.std(axis=0) + 1e-3
X_train = ((X_train - mu) / sigma).astype(np.float32)
X_val = ((X_val - mu) / sigma).astype(np.float32)

EXPERIENCES = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
EPOCHS_PER_EXP, BATCH, MEM_SIZE = 8, 32, 900


class Memory:
    def __init__(self, size):
        self.size, self.n_seen = size, 0
        self.x = np.zeros((size, X_train.shape[1]), np.float32)
        self.y = np.zeros(size, np.int64)

    def __len__(self):
        return min(self.n_seen, self.size)

    def push(self, xb, yb):
        for xi, yi in zip(xb, yb):
            if self.n_seen < self.size:
                slot = self.n_seen
            else:
                slot = gen.integers(0, self.n_seen + 1)
            if slot < self.size:
                self.x[slot], self.y[slot] = xi, yi
            self.n_seen += 1

    def draw(self, k):
        idx = gen.integers(0, len(self), size=k)
        return torch.from_numpy(self.x[idx]), torch.from_numpy(self.y[idx])


def experience_batches(cls_pair):
    m = np.isin(y_train, cls_pair)
    xs, ys = X_train[m], y_train[m]
    for _ in range(EPOCHS_PER_EXP):
        perm = gen.permutation(len(xs))
        for i in range(0, len(perm), BATCH):
            j = perm[i:i + BATCH]
            yield xs[j], ys[j]


net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.3),
                    nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=5e-4)
mem = Memory(MEM_SIZE)


def score(classes):
    net.eval()
    m = np.isin(y_val, classes)
    with torch.no_grad():
        pred = net(torch.from_numpy(X_val[m])).argmax(1).numpy()
    return (pred == y_val[m]).mean()


history = []
for e, pair in enumerate(EXPERIENCES):
    losses = []
    steps_here = EPOCHS_PER_EXP * -(-np.isin(y_train, pair).sum() // BATCH)
    for g in opt.param_groups:
        g["lr"] = 2e-3
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_here, eta_min=5e-5)
    for xb_np, yb_np in experience_batches(pair):
        xb, yb = torch.from_numpy(xb_np), torch.from_numpy(yb_np)
        if len(mem) > 0:
            mx, my = mem.draw(2 * len(xb))
            xb, yb = torch.cat([xb, mx]), torch.cat([yb, my])
        net.train()
        opt.zero_grad()
        loss = F.cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        mem.push(xb_np, yb_np)
        losses.append(loss.item())
    seen = [c for p in EXPERIENCES[:e + 1] for c in p]
    row = [score(list(p)) for p in EXPERIENCES[:e + 1]]
    history.append(row)
    print(f"exp {e} classes {pair}: mean loss {np.mean(losses):.4f}  last-20 loss {np.mean(losses[-20:]):.4f}"
          f"  lr {sched.get_last_lr()[0]:.2e}  acc(seen) {score(seen):.3f}")

# short class-balanced fine-tune on the replay memory to undo recency bias
counts = np.bincount(mem.y[:len(mem)], minlength=10)
row_w = torch.from_numpy(1.0 / counts[mem.y[:len(mem)]]).double()
for g in opt.param_groups:
    g["lr"] = 3e-4
for ft_step in range(120):
    idx = torch.multinomial(row_w, BATCH * 2, replacement=True).numpy()
    net.train()
    opt.zero_grad()
    loss = F.cross_entropy(net(torch.from_numpy(mem.x[idx])), torch.from_numpy(mem.y[idx]))
    loss.backward()
    opt.step()
    if (ft_step + 1) % 40 == 0:
        print(f"balanced fine-tune step {ft_step + 1}: loss {loss.item():.4f}  acc(all) {score(list(range(10))):.3f}")

print("\naccuracy per experience (rows: after exp i)")
for e, row in enumerate(history):
    print(f"  after {e}: " + "  ".join(f"{a:.2f}" for a in row))
net.eval()
with torch.no_grad():
    tr_acc = (net(torch.from_numpy(X_train)).argmax(1).numpy() == y_train).mean()
print(f"final accuracy on all 10 classes: val {score(list(range(10))):.3f}  train {tr_acc:.3f}")
