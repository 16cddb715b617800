import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.func import functional_call, stack_module_state, vmap

torch.manual_seed(2024)
torch.set_num_threads(1)

digits = load_digits()
Xtr, Xva, ytr, yva = train_test_split(digits.data, digits.target, test_size=0.2,
                                      stratify=digits.target, random_state=2024)
mu = Xtr.mean(axis=0)
sigma = Xtr.std(axis=0)
sigma[sigma < 1e-8] = 1.0
Xtr = torch.as_tensor((Xtr - mu) / sigma, dtype=torch.float32)
Xva = torch.as_tensor((Xva - mu) / sigma, dtype=torch.float32)
ytr, yva = torch.as_tensor(ytr), torch.as_tensor(yva)


class Member(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 96), nn.ReLU(), nn.Dropout(0.2), nn.Linear(96, 10))

    def forward(self, x):
        return self.body(x)


K = 4
models = [Member() for _ in range(K)]
params, bufs = stack_module_state(models)
skeleton = copy.deepcopy(models[0]).to("meta")


def forward_one(p, b, x):
    return functional_call(skeleton, (p, b), (x,))


# every member draws its own shuffled mini-batch
forward_all = vmap(forward_one, in_dims=(0, 0, 0), randomness="different")
forward_shared = vmap(forward_one, in_dims=(0, 0, None), randomness="different")

EPOCHS, BS = 20, 64
steps = (len(Xtr) // BS) * EPOCHS
opt = torch.optim.Adam(list(params.values()), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=steps)

for epoch in range(EPOCHS):
    skeleton.train()
    perms = torch.stack([torch.randperm(len(Xtr)) for _ in range(K)])
    losses = []
    for s in range(len(Xtr) // BS):
        idx = perms[:, s * BS:(s + 1) * BS]                 # (K, BS)
        opt.zero_grad(set_to_none=True)
        logits = forward_all(params, bufs, Xtr[idx])         # (K, BS, 10)
        loss = F.cross_entropy(logits.reshape(-1, 10), ytr[idx].reshape(-1))
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    skeleton.eval()
    with torch.no_grad():
        out = forward_shared(params, bufs, Xva)
        member_acc = (out.argmax(-1) == yva).float().mean(1)
        ens_acc = (out.softmax(-1).mean(0).argmax(-1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:02d} loss {np.mean(losses):.4f} members "
          + " ".join(f"{a:.3f}" for a in member_acc.tolist()) + f" ensemble {ens_acc:.3f}")

print(f"final ensemble accuracy {ens_acc:.4f}")
