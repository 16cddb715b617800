# digits MLP, large-batch SGD with linear LR scaling + warmup, bf16 autocast on CPU
import time
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.set_float32_matmul_precision("high")
torch.manual_seed(0)
np.random.seed(0)

digits = load_digits()
Xtr, Xva, ytr, yva = train_test_split(digits.data.astype(np.float32), digits.target,
                                      test_size=0.25, random_state=0, stratify=digits.target)
mean = Xtr.mean(axis=0, keepdims=True)
std = Xtr.std(axis=0, keepdims=True) + 1e-6
Xtr = torch.from_numpy((Xtr - mean) / std)
Xva = torch.from_numpy((Xva - mean) / std)
ytr = torch.as_tensor(ytr, dtype=torch.long)
yva = torch.as_tensor(yva, dtype=torch.long)

BATCH = 256
BASE_LR, BASE_BATCH = 0.05, 64
LR = BASE_LR * BATCH / BASE_BATCH          # linear scaling rule
EPOCHS = 30
WARMUP_STEPS = 20

net = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(inplace=True),
    nn.Linear(128, 64), nn.ReLU(inplace=True),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss(reduction="sum")
opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=0.9, nesterov=True,
                      weight_decay=5e-4, foreach=True)
n = Xtr.shape[0]
steps_per_epoch = (n + BATCH - 1) // BATCH
total = EPOCHS * steps_per_epoch


def lr_at(step):
    if step < WARMUP_STEPS:
        return (step + 1) / WARMUP_STEPS
    prog = (step - WARMUP_STEPS) / max(1, total - WARMUP_STEPS)
    return 0.5 * (1 + np.cos(np.pi * prog))


sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)

t0 = time.time()
for ep in range(EPOCHS):
    net.train()
    order = torch.randperm(n)
    tot, seen = 0.0, 0
    for s in range(0, n, BATCH):
        bi = order[s:s + BATCH]
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = net(Xtr[bi])
        loss = criterion(out.float(), ytr[bi])
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item()
        seen += len(bi)
    net.eval()
    with torch.no_grad():
        logits = net(Xva)
        vacc = (logits.argmax(1) == yva).float().mean().item()
    if ep % 3 == 0 or ep == EPOCHS - 1:
        print(f"ep {ep:3d}  loss/sample {tot / seen:.4f}  val_acc {vacc:.4f}  lr {sched.get_last_lr()[0]:.4f}")

print(f"done in {time.time() - t0:.1f}s, final val_acc={vacc:.4f}")
