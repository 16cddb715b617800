"""Which token is the most frequent in a sequence?  A two-block pre-norm
attention encoder built on F.scaled_dot_product_attention, trained with AdamW,
linear warmup followed by cosine decay (SequentialLR, stepped per batch)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

V, T, D, H = 6, 24, 48, 4


def sample(n, g):
    # bias each sequence towards one token so the majority is well defined
    target = torch.randint(0, V, (n,), generator=g)
    seq = torch.randint(0, V, (n, T), generator=g)
    boost = torch.rand(n, T, generator=g) < 0.2
    seq = torch.where(boost, target[:, None].expand(-1, T), seq)
    counts = F.one_hot(seq, V).sum(1)
    return seq, counts.argmax(1)


gen = torch.Generator().manual_seed(99)
train_x, train_y = sample(3000, gen)
val_x, val_y = sample(600, gen)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.o = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.mlp = nn.Sequential(nn.Linear(D, 2 * D), nn.GELU(), nn.Dropout(0.1), nn.Linear(2 * D, D))

    def forward(self, x):
        B, L, _ = x.shape
        q, k, v = self.qkv(self.n1(x)).view(B, L, 3, H, D // H).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v)
        x = x + self.o(a.transpose(1, 2).reshape(B, L, D))
        return x + self.mlp(self.n2(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.blocks = nn.Sequential(Block(), Block())
        self.norm = nn.LayerNorm(D)
        self.cls = nn.Linear(D, V)

    def forward(self, s):
        h = self.blocks(self.tok(s))
        return self.cls(self.norm(h).mean(1))


net = Net()
EPOCHS, BS = 10, 64
steps_per_epoch = (len(train_x) + BS - 1) // BS
total_steps = EPOCHS * steps_per_epoch
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.SequentialLR(
    opt,
    [torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.05, total_iters=50),
     torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total_steps - 50, eta_min=1e-5)],
    milestones=[50])

for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(train_x))
    tot = 0.0
    for s in range(0, len(perm), BS):
        i = perm[s:s + BS]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(train_x[i]), train_y[i])
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
        tot += loss.item() * len(i)
    net.eval()
    with torch.no_grad():
        out = net(val_x)
        vl = F.cross_entropy(out, val_y).item()
        va = (out.argmax(1) == val_y).float().mean().item()
    print(f"epoch {ep + 1:2d}/{EPOCHS} lr={sched.get_last_lr()[0]:.2e} train={tot / len(train_x):.4f} val={vl:.4f} acc={va:.3f}")

print(f"val accuracy {va:.3f}")
