"""Sentiment-style classifier on synthetic token sequences.

Model: nn.Embedding -> mean pooling over the sequence -> linear head.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
torch.set_num_threads(1)

VOCAB = 300
SEQ_LEN = 24
PAD = 0


def synth_reviews(n, rng):
    """Positive reviews draw more often from tokens 10-39, negative ones from 40-69."""
    labels = rng.integers(0, 2, size=n)
    seqs = np.zeros((n, SEQ_LEN), dtype=np.int64)
    for i in range(n):
        length = rng.integers(10, SEQ_LEN + 1)
        tokens = rng.integers(70, VOCAB, size=length)
        n_cue = rng.integers(2, 5)
        lo = 10 if labels[i] == 1 else 40
        tokens[rng.choice(length, n_cue, replace=False)] = rng.integers(lo, lo + 30, size=n_cue)
        seqs[i, :length] = tokens
    return seqs, labels


class MeanPoolClassifier(nn.Module):
    def __init__(self, vocab, dim, n_classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.head = nn.Sequential(nn.Linear(dim, 32), nn.ReLU(), nn.Linear(32, n_classes))

    def forward(self, tokens):
        mask = (tokens != PAD).unsqueeze(-1).float()
        summed = (self.embed(tokens) * mask).sum(dim=1)
        pooled = summed / mask.sum(dim=1).clamp(min=1.0)
        return self.head(pooled)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    losses = []
    for tokens, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(tokens), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = n = 0
    val_loss = 0.0
    for tokens, labels in loader:
        logits = model(tokens)
        val_loss += F.cross_entropy(logits, labels, reduction="sum").item()
        correct += (logits.argmax(-1) == labels).sum().item()
        n += len(labels)
    return val_loss / n, correct / n


def main():
    rng = np.random.default_rng(42)
    x_train, y_train = synth_reviews(2000, rng)
    x_val, y_val = synth_reviews(500, rng)

    train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
                              batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val)),
                            batch_size=250)

    model = MeanPoolClassifier(VOCAB, dim=32, n_classes=2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    num_epochs = 3
    for epoch in range(num_epochs):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_loss, val_acc = evaluate(model, val_loader)
        print(f"Epoch {epoch + 1}: train loss {train_loss:.4f} | val loss {val_loss:.4f} | val acc {val_acc:.3f}")

    print(f"Test-time validation accuracy: {evaluate(model, val_loader)[1]:.3f}")


if __name__ == "__main__":
    main()
