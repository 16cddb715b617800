# Heatmap keypoint localisation: a fully-convolutional net regresses a Gaussian heatmap,
# the keypoint is read off with argmax. ReduceLROnPlateau + early stopping on val loss.
import copy
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(13)
rng = np.random.default_rng(13)
HW = 20
yy, xx = np.mgrid[:HW, :HW]


def sample(n):
    img = rng.normal(0, 0.4, (n, 1, HW, HW)).astype(np.float32)
    hm = np.zeros((n, 1, HW, HW), np.float32)
    kp = rng.integers(2, HW - 2, (n, 2))
    for i, (r, c) in enumerate(kp):
        g = np.exp(-((yy - r) ** 2 + (xx - c) ** 2) / (2 * 1.2 ** 2))
        img[i, 0] += 1.2 * g
        hm[i, 0] = g
    return img, hm, kp


Xtr, Htr, Ktr = sample(500)
Xva, Hva, Kva = sample(150)
mu, sd = Xtr.mean(), Xtr.std()
Xtr, Xva = torch.tensor((Xtr - mu) / sd), torch.tensor((Xva - mu) / sd)
Htr, Hva = torch.tensor(Htr), torch.tensor(Hva)
Kva = torch.tensor(Kva)

net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, 3, padding=2, dilation=2), nn.ReLU(),
    nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 1, 1),
)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.3, patience=2)
loss_f = nn.MSELoss()


def argmax_err(h, k):
    flat = h.flatten(1).argmax(1)
    rc = torch.stack([flat // HW, flat % HW], 1)
    return (rc - k).float().norm(dim=1)


best, best_state, wait = float("inf"), None, 0
for ep in range(25):
    net.train()
    order = torch.randperm(len(Xtr))
    tl = 0.0
    for i in range(0, len(Xtr), 25):
        b = order[i:i + 25]
        opt.zero_grad()
        l = loss_f(net(Xtr[b]), Htr[b]) * 100
        l.backward()
        opt.step()
        tl += l.item() * len(b)
    net.eval()
    with torch.no_grad():
        ph = net(Xva)
        vl = loss_f(ph, Hva).item() * 100
        err = argmax_err(ph, Kva)
    sched.step(vl)
    print(f"ep {ep + 1:2d} train {tl / len(Xtr):.4f} val {vl:.4f} mean_px_err {err.mean():.2f} "
          f"PCK@1 {(err <= 1).float().mean():.3f} lr {opt.param_groups[0]['lr']:.1e}")
    if vl < best - 1e-4:
        best, best_state, wait = vl, copy.deepcopy(net.state_dict()), 0
    else:
        wait += 1
        if wait >= 5:
            print("early stopping")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    err = argmax_err(net(Xva), Kva)
print(f"best val loss {best:.4f}; PCK@1 {(err <= 1).float().mean():.3f}, mean error {err.mean():.2f} px")
