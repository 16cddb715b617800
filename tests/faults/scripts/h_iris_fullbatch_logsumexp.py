import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

torch.manual_seed(2)
iris = load_iris()
Xtr, Xte, ytr, yte = train_test_split(iris.data, iris.target, test_size=0.3, random_state=2,
                                      stratify=iris.target)
Xtr = torch.tensor(Xtr, dtype=torch.float32)
Xte = torch.tensor(Xte, dtype=torch.float32)
mean, std = Xtr.mean(0, keepdim=True), Xtr.std(0, keepdim=True)
Xtr, Xte = (Xtr - mean) / std, (Xte - mean) / std
ytr = torch.tensor(ytr, dtype=torch.long)
yte = torch.tensor(yte, dtype=torch.long)


def xavier(fan_in, fan_out):
    bound = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out) * 2 - 1) * bound


W1 = xavier(4, 16).requires_grad_()
b1 = torch.zeros(16, requires_grad=True)
W2 = xavier(16, 3).requires_grad_()
b2 = torch.zeros(3, requires_grad=True)
opt = torch.optim.Adam([W1, b1, W2, b2], lr=1e-2, weight_decay=1e-4)


def logits(x):
    return torch.tanh(x @ W1 + b1) @ W2 + b2


def nll(z, t):
    return (torch.logsumexp(z, dim=1) - z.gather(1, t[:, None]).squeeze(1)).mean()


for step in range(400):
    loss = nll(logits(Xtr), ytr)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0 or step == 399:
        with torch.no_grad():
            te_loss = nll(logits(Xte), yte).item()
            te_acc = (logits(Xte).argmax(1) == yte).float().mean().item()
        print(f"step {step:3d}  loss {loss.item():.4f}  test loss {te_loss:.4f}  test acc {te_acc:.3f}")

with torch.no_grad():
    print(f"train acc {(logits(Xtr).argmax(1) == ytr).float().mean().item():.3f}  "
          f"test acc {(logits(Xte).argmax(1) == yte).float().mean().item():.3f}")
