"""Knowledge distillation on the 8x8 digits: a wide teacher MLP is trained first,
then a compact student learns from the teacher's temperature-softened logits
plus the hard labels."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
np.random.seed(42)

digits = load_digits()
Xa, Xb, ya, yb = train_test_split(digits.data, digits.target, test_size=0.2,
                                  random_state=42, stratify=digits.target)
sc = StandardScaler().fit(Xa)
Xa, Xb = sc.transform(Xa), sc.transform(Xb)
train_ds = TensorDataset(torch.tensor(Xa, dtype=torch.float32), torch.tensor(ya))
Xv, yv = torch.tensor(Xb, dtype=torch.float32), torch.tensor(yb)


def mlp(widths, p_drop):
    layers = []
    for a, b in zip(widths[:-2], widths[1:-1]):
        layers += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(p_drop)]
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


def evaluate(net):
    net.eval()
    with torch.no_grad():
        out = net(Xv)
    return F.cross_entropy(out, yv).item(), (out.argmax(1) == yv).float().mean().item()


teacher = mlp([64, 256, 256, 10], 0.2)
student = mlp([64, 32, 10], 0.0)
loader = DataLoader(train_ds, batch_size=64, shuffle=True)

print("== teacher ==")
t_opt = torch.optim.Adam(teacher.parameters(), lr=1e-3, weight_decay=1e-4)
for epoch in range(15):
    teacher.train()
    losses = []
    for xb, yb_ in loader:
        t_opt.zero_grad()
        loss = F.cross_entropy(teacher(xb), yb_)
        loss.backward()
        t_opt.step()
        losses.append(loss.item())
    vl, va = evaluate(teacher)
    if epoch % 3 == 2:
        print(f"teacher epoch {epoch + 1:2d} loss {np.mean(losses):.4f} val_loss {vl:.4f} val_acc {va:.3f}")
for p in teacher.parameters():
    p.requires_grad_(False)
teacher.eval()

print("== student ==")
T, alpha = 4.0, 0.7
s_opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9, weight_decay=0.5)
for epoch in range(25):
    student.train()
    losses = []
    for xb, yb_ in loader:
        with torch.no_grad():
            t_logits = teacher(xb)
        s_logits = student(xb)
        kd = F.kl_div(F.log_softmax(s_logits / T, dim=1), F.softmax(t_logits / T, dim=1),
                      reduction="batchmean") * T * T
        ce = F.cross_entropy(s_logits, yb_)
        loss = alpha * kd + (1 - alpha) * ce
        s_opt.zero_grad()
        loss.backward()
        s_opt.step()
        losses.append(loss.item())
    vl, va = evaluate(student)
    w_norm = sum(p.norm() ** 2 for p in student.parameters()).sqrt().item()
    print(f"student epoch {epoch + 1:2d} loss {np.mean(losses):.4f} val_loss {vl:.4f} "
          f"val_acc {va:.3f} |w| {w_norm:.2f}")

print(f"teacher val acc {evaluate(teacher)[1]:.4f} | student val acc {evaluate(student)[1]:.4f}")
