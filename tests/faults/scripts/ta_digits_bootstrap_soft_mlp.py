import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

# soft bootstrapping (Reed et al. 2015): target = beta * noisy_onehot + (1 - beta) * prediction
BETA = 0.8
NOISE = 0.3
EPOCHS = 30
BATCH_SIZE = 32
LR = 0.02


def set_seed(s):
    np.random.seed(s)
    torch.manual_seed(s)


def soft_bootstrap_loss(logits, target, beta=BETA):
    log_p = F.log_softmax(logits, dim=1)
    onehot = F.one_hot(target, logits.size(1)).float()
    soft = beta * onehot + (1.0 - beta) * log_p.exp().detach()
    return -(soft * log_p).sum(dim=1).mean()


def load():
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=5, stratify=y)
    sc = StandardScaler().fit(X_tr)
    X_tr, X_te = sc.transform(X_tr), sc.transform(X_te)
    rng = np.random.RandomState(5)
    y_noisy = y_tr.copy()
    m = rng.rand(len(y_tr)) < NOISE
    y_noisy[m] = rng.randint(0, 10, m.sum())
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(X_tr), torch.tensor(y_noisy), f(X_te), torch.tensor(y_te)


def main():
    set_seed(5)
    torch.set_num_threads(1)
    Xtr, ytr, Xte, yte = load()
    model = nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    n = len(Xtr)
    history = []
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(n)
        ep_loss = 0.0
        for k in range(0, n, BATCH_SIZE):
            idx = perm[k:k + BATCH_SIZE]
            opt.zero_grad()
            loss = soft_bootstrap_loss(model(Xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            ep_loss += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            pred = model(Xte).argmax(1)
        acc = (pred == yte).float().mean().item()
        history.append(acc)
        print(f"epoch {epoch + 1:02d}/{EPOCHS}  bootstrap_loss={ep_loss / n:.4f}  val_acc={acc:.4f}")
    print(f"best val_acc {max(history):.4f}  last val_acc {history[-1]:.4f}")


if __name__ == "__main__":
    main()
