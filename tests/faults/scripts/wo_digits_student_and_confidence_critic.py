"""Train a digit classifier, then a critic that predicts whether the classifier is right."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=11, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

student = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1), nn.Linear(128, 10))
critic = nn.Sequential(nn.Linear(64 + 10, 64), nn.ReLU(), nn.Linear(64, 1))

s_opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9)
c_opt = torch.optim.Adam(critic.parameters(), lr=1e-3)
ce = nn.CrossEntropyLoss()


def batches(n, bs, shuffle=True):
    idx = torch.randperm(n) if shuffle else torch.arange(n)
    for i in range(0, n, bs):
        yield idx[i:i + bs]


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


print("== student ==")
for ep in range(25):
    student.train()
    running = 0.0
    for b in batches(len(X_tr), 32):
        out = student(X_tr[b])
        loss = ce(out, y_tr[b])
        loss.backward()
        s_opt.step()
        running += loss.item() * len(b)
    if ep % 3 == 0 or ep == 24:
        print(f"ep {ep:2d} loss {running / len(X_tr):.4f} train acc {accuracy(student, X_tr, y_tr):.3f} "
              f"val acc {accuracy(student, X_va, y_va):.3f}")

# critic input: image features + student's softmax; target: student correct?
student.eval()
with torch.no_grad():
    p_tr = student(X_tr).softmax(1)
    p_va = student(X_va).softmax(1)
c_in_tr = torch.cat([X_tr, p_tr], 1)
c_in_va = torch.cat([X_va, p_va], 1)
c_y_tr = (p_tr.argmax(1) == y_tr).float().unsqueeze(1)
c_y_va = (p_va.argmax(1) == y_va).float().unsqueeze(1)

print("== critic ==")
bce = nn.BCEWithLogitsLoss()
for ep in range(15):
    critic.train()
    running = 0.0
    for b in batches(len(c_in_tr), 64):
        c_opt.zero_grad()
        loss = bce(critic(c_in_tr[b]), c_y_tr[b])
        loss.backward()
        c_opt.step()
        running += loss.item() * len(b)
    if ep % 5 == 4:
        critic.eval()
        with torch.no_grad():
            v = bce(critic(c_in_va), c_y_va).item()
        print(f"ep {ep:2d} critic loss {running / len(c_in_tr):.4f} val {v:.4f}")

print(f"final student val acc {accuracy(student, X_va, y_va):.3f}; "
      f"share of val digits the student gets right {c_y_va.mean().item():.3f}")
