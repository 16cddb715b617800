import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)


class Standardize(nn.Module):
    """Feature scaling stored in the model, fitted once on the training rows."""

    def __init__(self, n_features):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("std", torch.ones(n_features))

    @torch.no_grad()
    def fit(self, x):
        self.mean.copy_(x.mean(0))
        self.std.copy_(x.std(0).clamp_min(1e-6))
        return self

    def forward(self, x):
        return (x - self.mean) / self.std


class TumorNet(nn.Module):
    def __init__(self, n_features, hidden=32):
        super().__init__()
        self.scale = Standardize(n_features)
        self.w1 = nn.Parameter(torch.empty(hidden, n_features))
        self.b1 = nn.Parameter(torch.zeros(hidden))
        self.w2 = nn.Parameter(torch.empty(1, hidden))
        self.b2 = nn.Parameter(torch.zeros(1))
        nn.init.kaiming_uniform_(self.w1, nonlinearity="relu")
        nn.init.xavier_uniform_(self.w2)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        h = self.drop(torch.relu(nn.functional.linear(self.scale(x), self.w1, self.b1)))
        return nn.functional.linear(h, self.w2, self.b2).squeeze(-1)


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                p.mul_(1 - group["lr"] * group["weight_decay"])
                state["exp_avg"].mul_(beta1).add_(p.grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                bc1 = 1 - beta1 ** state["step"]
                bc2 = 1 - beta2 ** state["step"]
                denom = (state["exp_avg_sq"] / bc2).sqrt().add_(group["eps"])
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / bc1)


data = load_breast_cancer()
X = data.data.astype(np.float32)
y = data.target.astype(np.float32)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
X_train, X_val = torch.from_numpy(X_train), torch.from_numpy(X_val)
y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)

model = TumorNet(X.shape[1])
model.scale.fit(X_train)

n_pos = y_train.sum()
pos_weight = (len(y_train) - n_pos) / n_pos
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)

best_loss, best_state, patience, bad_epochs = float("inf"), None, 8, 0
batch_size = 32
for epoch in range(1, 151):
    model.train()
    order = torch.randperm(len(X_train))
    train_loss = 0.0
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * len(idx)
    train_loss /= len(X_train)

    model.eval()
    with torch.no_grad():
        val_logits = model(X_val)
        val_loss = criterion(val_logits, y_val).item()
        val_acc = ((val_logits > 0).float() == y_val).float().mean().item()
    print(f"epoch {epoch:3d} train_loss {train_loss:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.3f}")

    if val_loss < best_loss - 1e-4:
        best_loss, bad_epochs = val_loss, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch} (best val_loss {best_loss:.4f})")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(X_val))
acc = ((probs > 0.5).float() == y_val).float().mean().item()
auc = roc_auc_score(y_val.numpy(), probs.numpy())
print(f"best model: val_acc {acc:.3f}  val_auc {auc:.4f}")
