import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
torch.set_num_threads(1)
np.random.seed(5)

N_TASKS = 3
EWC_LAMBDA = 50.0


def make_task(k):
    X, y = make_classification(n_samples=900, n_features=20, n_informative=10, n_redundant=4,
                               n_classes=3, n_clusters_per_class=1, class_sep=1.5, random_state=100 + k)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=k, stratify=y)
    mean, std = Xtr.mean(0), Xtr.std(0)
    f = lambda a: torch.tensor((a - mean) / std, dtype=torch.float32)
    return f(Xtr), torch.tensor(ytr), f(Xva), torch.tensor(yva)


tasks = [make_task(k) for k in range(N_TASKS)]


def minibatches(X, y, bs=32, epochs=4):
    g = torch.Generator().manual_seed(int(y.sum()))
    for _ in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), bs):
            j = perm[i:i + bs]
            yield X[j], y[j]


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(20, 96), nn.ReLU(), nn.Linear(96, 96), nn.ReLU())
        self.heads = nn.ModuleList(nn.Linear(96, 3) for _ in range(N_TASKS))

    def forward(self, x, t):
        return self.heads[t](self.trunk(x))


def fisher_diag(model, X, y, t):
    model.eval()
    fis = {n: torch.zeros_like(p) for n, p in model.trunk.named_parameters()}
    for i in range(0, len(X), 50):
        model.zero_grad()
        F.cross_entropy(model(X[i:i + 50], t), y[i:i + 50]).backward()
        for n, p in model.trunk.named_parameters():
            fis[n] += p.grad.detach() ** 2
    return {n: v / (len(X) / 50) for n, v in fis.items()}


@torch.no_grad()
def acc(model, X, y, t):
    model.eval()
    return (model(X, t).argmax(1) == y).float().mean().item()


model = MultiHead()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.995)
anchors = []  # (fisher, old params)
R = np.zeros((N_TASKS, N_TASKS))

for t, (Xtr, ytr, Xva, yva) in enumerate(tasks):
    ep_loss, n = 0.0, 0
    for step, (xb, yb) in enumerate(minibatches(Xtr, ytr), start=1):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(xb, t), yb)
        for fis, old in anchors:
            for nme, p in model.trunk.named_parameters():
                loss = loss + EWC_LAMBDA / 2 * (fis[nme] * (p - old[nme]) ** 2).sum()
        loss.backward()
        opt.step()
        ep_loss += loss.item()
        n += 1
        if step % 22 == 0:
            print(f"task {t} step {step:3d}  loss {ep_loss / n:.4f}  val acc {acc(model, Xva, yva, t):.3f}")
            ep_loss, n = 0.0, 0
    anchors.append((fisher_diag(model, Xtr, ytr, t),
                    {nme: p.detach().clone() for nme, p in model.trunk.named_parameters()}))
    for s in range(t + 1):
        R[t, s] = acc(model, tasks[s][2], tasks[s][3], s)

print("\nper-task validation accuracy (row = after training task, col = task)")
print("        " + "  ".join(f"T{s}   " for s in range(N_TASKS)))
for t in range(N_TASKS):
    print(f"after T{t} " + "  ".join(f"{R[t, s]:.3f}" if s <= t else "  -  " for s in range(N_TASKS)))
print(f"average accuracy after all tasks: {R[-1].mean():.3f}")
