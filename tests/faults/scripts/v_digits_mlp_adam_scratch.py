# Digits classifier: hand-written dense layers and a from-scratch Adam.
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)


class Dense(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        bound = math.sqrt(6.0 / n_in)
        self.weight = nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound) / math.sqrt(2))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(Dense(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for k, layer in enumerate(self.layers):
            x = layer(x)
            if k < len(self.layers) - 1:
                x = torch.relu(x)
        return x


class ScratchAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["t"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                state["t"] += 1
                t = state["t"]
                state["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                state["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                m_hat = state["m"] / (1 - b1 ** t)
                v_hat = state["v"] / (1 - b2 ** t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        out = model(X)
        return nn.functional.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item()


X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
mean = X_train.mean(axis=0)
std = X_train.std(axis=0) + 1e-6
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

config = {"hidden": [128, 64], "lr": 1e-3, "batch_size": 64, "epochs": 2}

model = MLP([64] + config["hidden"] + [10])
optimizer = ScratchAdam(model.parameters(), lr=config["lr"])
loss_fn = nn.CrossEntropyLoss()

step = 0
for epoch in range(config["epochs"]):
    model.train()
    order = torch.randperm(len(X_train))
    running = []
    for start in range(0, len(order), config["batch_size"]):
        b = order[start:start + config["batch_size"]]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[b]), y_train[b])
        loss.backward()
        optimizer.step()
        running.append(loss.item())
        step += 1
        if step % 10 == 0:
            print(f"  step {step:4d}  loss {np.mean(running[-10:]):.4f}")
    val_loss, val_acc = evaluate(model, X_val, y_val)
    print(f"epoch {epoch + 1}/{config['epochs']}  train_loss {np.mean(running):.4f}  "
          f"val_loss {val_loss:.4f}  val_acc {val_acc:.3f}")

_, train_acc = evaluate(model, X_train, y_train)
print(f"done. train_acc {train_acc:.3f}  val_acc {val_acc:.3f}")
