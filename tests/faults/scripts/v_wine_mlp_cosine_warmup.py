"""Wine classification: MLP with dropout, class-weighted loss, a hand-written
Nesterov SGD with decoupled weight decay and a warmup + cosine LambdaLR."""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)


class SGDW(torch.optim.Optimizer):
    def __init__(self, params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov,
                                      weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, mu = group["lr"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if group["weight_decay"]:
                    p.mul_(1 - lr * group["weight_decay"])
                state = self.state[p]
                buf = state.get("buf")
                if buf is None:
                    buf = state["buf"] = torch.clone(p.grad).detach()
                else:
                    buf.mul_(mu).add_(p.grad)
                upd = p.grad.add(buf, alpha=mu) if group["nesterov"] else buf
                p.add_(upd, alpha=-lr)


class WineMLP(nn.Module):
    def __init__(self, d_in=13, width=64, n_cls=3, p_drop=0.2):
        super().__init__()
        self.fc1 = nn.Linear(d_in, width)
        self.fc2 = nn.Linear(width, width)
        self.fc3 = nn.Linear(width, n_cls)
        self.drop = nn.Dropout(p_drop)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.fc3(x)


X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=3, stratify=y)
center, scale = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - center) / scale, dtype=torch.float32)
X_va = torch.tensor((X_va - center) / scale, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

counts = torch.bincount(y_tr, minlength=3).float()
class_w = counts.sum() / (len(counts) * counts)
print("class weights:", [round(w, 3) for w in class_w.tolist()])

EPOCHS, BS = 40, 16
steps_per_epoch = math.ceil(len(X_tr) / BS)
total_steps = EPOCHS * steps_per_epoch
warmup = 2 * steps_per_epoch


def warmup_cosine(step):
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total_steps - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


model = WineMLP()
opt = SGDW(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=warmup_cosine)

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_tr))
    run_loss = 0.0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X_tr[b]), y_tr[b], weight=class_w)
        loss.backward()
        opt.step()
        sched.step()
        run_loss += loss.item() * len(b)
    if (epoch + 1) % 10 == 0 or epoch == 0:
        model.eval()
        with torch.no_grad():
            out = model(X_va)
            v_loss = F.cross_entropy(out, y_va, weight=class_w).item()
            v_acc = (out.argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch + 1:3d}  lr {sched.get_last_lr()[0]:.4f}  loss {run_loss / len(X_tr):.4f}  "
              f"val_loss {v_loss:.4f}  val_acc {v_acc:.3f}")

model.eval()
with torch.no_grad():
    pred = model(X_va).argmax(1)
per_class = [(pred[y_va == c] == c).float().mean().item() for c in range(3)]
print(f"val accuracy {(pred == y_va).float().mean().item():.3f}  "
      f"balanced accuracy {np.mean(per_class):.3f}")
