import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


class Classifier(nn.Module):
    def __init__(self, d_in, hidden=48, p=0.3):
        super().__init__()
        self.hidden = nn.Linear(d_in, hidden)
        self.head = nn.Linear(hidden, 2)
        self.p = p

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = F.dropout(x, self.p, training=self.training)
        return self.head(x)


def balanced_acc(pred, y):
    return np.mean([(pred[y == c] == c).float().mean().item() for c in (0, 1)])


def main():
    torch.manual_seed(8)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=8, stratify=y)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
    X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

    counts = torch.bincount(y_tr, minlength=2).float()
    class_w = counts.sum() / (2 * counts)

    model = Classifier(X_tr.shape[1])
    epochs, bs = 25, 32
    steps = (len(X_tr) + bs - 1) // bs
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=epochs, steps_per_epoch=steps)

    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(X_tr))
        losses = []
        for i in range(0, len(X_tr), bs):
            b = perm[i:i + bs]
            loss = F.cross_entropy(model(X_tr[b]), y_tr[b], weight=class_w)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            out = model(X_va)
            vl = F.cross_entropy(out, y_va, weight=class_w).item()
            pred = out.argmax(1)
        print(f"epoch {epoch + 1:2d} loss {np.mean(losses):.4f} val loss {vl:.4f} "
              f"val acc {(pred == y_va).float().mean().item():.3f} bal acc {balanced_acc(pred, y_va):.3f}")

    model.eval()
    with torch.no_grad():
        tr_pred = model(X_tr).argmax(1)
        va_pred = model(X_va).argmax(1)
    print(f"final train acc {(tr_pred == y_tr).float().mean().item():.3f} "
          f"val acc {(va_pred == y_va).float().mean().item():.3f} val bal acc {balanced_acc(va_pred, y_va):.3f}")


if __name__ == "__main__":
    main()
