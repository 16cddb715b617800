# Frequency-sweep experiment: a driven damped oscillator is excited at 40
# drive frequencies and the steady-state amplitude is recorded (with sensor
# noise). Task: predict which of 5 bands the natural frequency lies in.
import numpy as np
import torch
import torch.nn as nn

np.random.seed(11)
torch.manual_seed(11)
torch.set_num_threads(1)

N_BANDS = 5
drive = np.linspace(0.5, 5.0, 40)


def sweep(n):
    w0 = np.random.uniform(1.0, 4.5, n)
    zeta = np.random.uniform(0.05, 0.4, n)
    F0 = np.random.uniform(0.5, 2.0, n)
    wd = drive[None, :]
    amp = F0[:, None] / np.sqrt((w0[:, None] ** 2 - wd ** 2) ** 2 + (2 * zeta[:, None] * w0[:, None] * wd) ** 2)
    amp = np.log(amp) + np.random.normal(0, 0.15, amp.shape)          # log-amplitude in dB-like units
    band = np.minimum(((w0 - 1.0) / 3.5 * N_BANDS).astype(int), N_BANDS - 1)
    return amp, band


A, b = sweep(3000)
n_val = 600
A_tr, b_tr, A_va, b_va = A[n_val:], b[n_val:], A[:n_val], b[:n_val]
mean, std = A_tr.mean(axis=0), A_tr.std(axis=0)
A_tr = (A_tr - mean) / std
A_va = (A_va - mean) / std

xtr = torch.tensor(A_tr, dtype=torch.float32); ytr = torch.tensor(b_tr)
xva = torch.tensor(A_va, dtype=torch.float32); yva = torch.tensor(b_va)


def build(n_in, width=128):
    net = nn.Sequential(
        nn.Linear(n_in, width), nn.Tanh(),
        nn.Linear(width, width), nn.Tanh(),
        nn.Linear(width, N_BANDS),
    )
    for layer in list(net)[:-1]:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, mean=0.0, std=2.0)
            nn.init.zeros_(layer.bias)
    return net


net = build(xtr.shape[1])
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()

for epoch in range(1, 26):
    net.train()
    perm = torch.randperm(len(xtr))
    losses, correct = [], 0
    for i in range(0, len(xtr), 100):
        j = perm[i:i + 100]
        out = net(xtr[j])
        loss = crit(out, ytr[j])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        correct += (out.argmax(1) == ytr[j]).sum().item()
    net.eval()
    with torch.no_grad():
        v_out = net(xva)
        v_loss = crit(v_out, yva).item()
        v_acc = (v_out.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch:2d} | loss {np.mean(losses):.4f} | train acc {correct / len(xtr):.3f} | val loss {v_loss:.4f} | val acc {v_acc:.3f}")

print(f"final validation accuracy: {v_acc:.3f}")
