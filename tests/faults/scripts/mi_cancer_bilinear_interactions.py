"""Breast-cancer classifier with explicit pairwise feature interactions.

logit(x) = w0 + w.x + sum_k s_k (p_k.x)(q_k.x) on a batch-normalised hidden code,
i.e. a rank-K bilinear term x^T P diag(s) Q^T x.  A closed-form least-squares
linear discriminant is printed for reference.
"""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score

torch.manual_seed(17)
np.random.seed(17)
torch.set_num_threads(1)


def load_splits():
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, stratify=y, random_state=17)
    mean, std = Xtr.mean(0), Xtr.std(0)
    f = lambda a: torch.tensor((a - mean) / std, dtype=torch.float32)
    return f(Xtr), f(Xva), torch.tensor(ytr, dtype=torch.float32), torch.tensor(yva, dtype=torch.float32)


class BilinearHead(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.P = nn.Parameter(torch.randn(d, k) / d ** 0.5)
        self.Q = nn.Parameter(torch.randn(d, k) / d ** 0.5)
        self.s = nn.Parameter(torch.zeros(k))
        self.lin = nn.Linear(d, 1)

    def forward(self, h):
        inter = torch.einsum("nk,nk,k->n", h @ self.P, h @ self.Q, self.s)
        return self.lin(h).squeeze(-1) + inter


class Model(nn.Module):
    def __init__(self, d_in, hidden=32, k=8):
        super().__init__()
        self.proj = nn.Sequential(
            nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.1)
        )
        self.head = BilinearHead(hidden, k)

    def forward(self, x):
        return self.head(self.proj(x))


def evaluate(model, X, y, loss_fn):
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = loss_fn(logits, y).item()
        prob = torch.sigmoid(logits)
    acc = ((prob > 0.5).float() == y).float().mean().item()
    return loss, acc, roc_auc_score(y.numpy(), prob.numpy())


def main():
    Xtr, Xva, ytr, yva = load_splits()

    A = torch.cat([Xtr, torch.ones(len(Xtr), 1)], 1)
    Av = torch.cat([Xva, torch.ones(len(Xva), 1)], 1)
    beta = torch.linalg.lstsq(A, (2 * ytr - 1).unsqueeze(1)).solution
    ls_acc = (((Av @ beta).squeeze(1) > 0).float() == yva).float().mean().item()
    print(f"least-squares linear discriminant: val acc {ls_acc:.3f}")

    model = Model(Xtr.shape[1])
    loss_fn = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=4)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(Xtr, ytr), batch_size=32, shuffle=True, drop_last=True
    )

    for epoch in range(1, 51):
        model.train()
        running, seen = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
            opt.step()
            running += loss.item() * len(yb)
            seen += len(yb)
        v_loss, v_acc, v_auc = evaluate(model, Xva, yva, loss_fn)
        plateau.step(v_loss)
        if epoch % 5 == 0 or epoch == 1:
            print(f"epoch {epoch:2d}  lr {opt.param_groups[0]['lr']:.2e}  train {running / seen:.4f}  "
                  f"val {v_loss:.4f}  acc {v_acc:.3f}  auc {v_auc:.4f}")

    tr_loss, tr_acc, _ = evaluate(model, Xtr, ytr, loss_fn)
    v_loss, v_acc, v_auc = evaluate(model, Xva, yva, loss_fn)
    print(f"final: train acc {tr_acc:.3f}  val acc {v_acc:.3f}  val auc {v_auc:.4f}")


if __name__ == "__main__":
    main()
