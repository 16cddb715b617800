import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

T = 4.0       # distillation temperature
ALPHA = 0.7   # weight on the soft-target term

data = load_wine()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.3, random_state=42, stratify=data.target)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)


def mlp(width, depth):
    layers, d = [], X_train.shape[1]
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    layers.append(nn.Linear(d, 3))
    return nn.Sequential(*layers)


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def accuracy(m, X, y):
    m.eval()
    with torch.no_grad():
        return (m(X).argmax(1) == y).float().mean().item()


def batches(n, bs):
    idx = torch.randperm(n)
    for i in range(0, n, bs):
        yield idx[i:i + bs]


# ---- teacher ----
teacher = mlp(256, 3)
opt_t = torch.optim.Adam(teacher.parameters(), lr=1e-3, weight_decay=1e-4)
for epoch in range(40):
    teacher.train()
    for idx in batches(len(X_train), 16):
        opt_t.zero_grad()
        loss = F.cross_entropy(teacher(X_train[idx]), y_train[idx])
        loss.backward()
        opt_t.step()
print(f"teacher: {n_params(teacher)} params, val acc {accuracy(teacher, X_val, y_val):.3f}")

teacher.eval()
with torch.no_grad():
    soft_targets = F.softmax(teacher(X_train) / T, dim=1)

# ---- student ----
student = mlp(8, 1)
opt_s = torch.optim.SGD(student.parameters(), lr=0.1, momentum=0.99, nesterov=True)

for epoch in range(40):
    student.train()
    running, seen = 0.0, 0
    for idx in batches(len(X_train), 16):
        opt_s.zero_grad()
        logits = student(X_train[idx])
        kd = F.kl_div(F.log_softmax(logits / T, dim=1), soft_targets[idx],
                      reduction="batchmean") * T * T
        ce = F.cross_entropy(logits, y_train[idx])
        loss = ALPHA * kd + (1 - ALPHA) * ce
        loss.backward()
        opt_s.step()
        running += loss.item() * len(idx)
        seen += len(idx)
    if epoch % 5 == 4:
        print(f"student epoch {epoch + 1:3d}  loss {running / seen:.4f}  "
              f"val acc {accuracy(student, X_val, y_val):.3f}")

print(f"student: {n_params(student)} params "
      f"({n_params(student) / n_params(teacher):.1%} of teacher), "
      f"val acc {accuracy(student, X_val, y_val):.3f}")
