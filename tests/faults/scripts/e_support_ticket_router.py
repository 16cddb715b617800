"""Route synthetic support tickets to one of three queues (billing / tech / account).

Embedding bag with mean pooling, class-weighted cross-entropy (queues are imbalanced),
AdamW + OneCycleLR stepped per batch, early stopping on validation loss.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import balanced_accuracy_score
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(21)
torch.set_num_threads(1)

VOCAB, LENGTH, N_QUEUES = 400, 20, 3
QUEUE_SHARE = [0.6, 0.3, 0.1]


def make_tickets(n, rng):
    queue = rng.choice(N_QUEUES, size=n, p=QUEUE_SHARE)
    tokens = np.zeros((n, LENGTH), dtype=np.int64)
    for i in range(n):
        ln = rng.integers(8, LENGTH + 1)
        words = rng.integers(60, VOCAB, size=ln)
        k = rng.integers(1, 4)
        start = 1 + 20 * queue[i]
        words[rng.choice(ln, k, replace=False)] = rng.integers(start, start + 20, size=k)
        tokens[i, :ln] = words
    return tokens, queue.astype(np.int64)


class TicketModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 24, padding_idx=0)
        self.mlp = nn.Sequential(nn.Dropout(0.2), nn.Linear(24, 32), nn.ReLU(), nn.Linear(32, N_QUEUES))

    def forward(self, x):
        m = (x > 0).float().unsqueeze(-1)
        pooled = (self.emb(x) * m).sum(1) / m.sum(1).clamp_min(1.0)
        return self.mlp(pooled)


def train_one_epoch(model, loader, optimizer, loss_fn, scheduler):
    model.train()
    total, n = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(y)
        n += len(y)
    return total / n


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    preds, targets, total = [], [], 0.0
    for x, y in loader:
        logits = model(x)
        total += loss_fn(logits, y).item() * len(y)
        preds.append(logits.argmax(1))
        targets.append(y)
    preds, targets = torch.cat(preds).numpy(), torch.cat(targets).numpy()
    return total / len(targets), (preds == targets).mean(), balanced_accuracy_score(targets, preds)


def main():
    rng = np.random.default_rng(21)
    x_tr, y_tr = make_tickets(2400, rng)
    x_va, y_va = make_tickets(600, rng)

    counts = np.bincount(y_tr, minlength=N_QUEUES)
    class_weights = torch.tensor(len(y_tr) / (N_QUEUES * counts), dtype=torch.float32)
    print("queue counts:", counts.tolist(), "weights:", [round(w, 2) for w in class_weights.tolist()])

    train_loader = DataLoader(TensorDataset(torch.from_numpy(x_tr), torch.from_numpy(y_tr)), batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(x_va), torch.from_numpy(y_va)), batch_size=300)

    model = TicketModel()
    max_epochs = 25
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=1e-2, epochs=max_epochs, steps_per_epoch=len(train_loader))
    loss_fn = nn.CrossEntropyLoss(weight=class_weights)

    best_loss, best_state, patience, bad_epochs = float("inf"), None, 5, 0
    for epoch in range(1, max_epochs + 1):
        tr_loss = train_one_epoch(model, train_loader, optimizer, loss_fn, scheduler)
        va_loss, va_acc, va_bal = evaluate(model, val_loader, loss_fn)
        print(f"epoch {epoch:2d}  train {tr_loss:.4f}  val {va_loss:.4f}  acc {va_acc:.3f}  bal_acc {va_bal:.3f}")
        if va_loss < best_loss - 1e-4:
            best_loss, best_state, bad_epochs = va_loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                print(f"early stopping at epoch {epoch}")
                break

    model.load_state_dict(best_state)
    _, va_acc, va_bal = evaluate(model, val_loader, loss_fn)
    print(f"best model: val acc {va_acc:.3f}, balanced acc {va_bal:.3f}")


if __name__ == "__main__":
    main()
