# Bag-of-tokens topic classifier (EmbeddingBag, mean pooling) on generated token data.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
torch.manual_seed(SEED)
np.random.seed(SEED)

VOCAB = 2000
N_CLASSES = 4
N_DOCS = 4000
MIN_LEN, MAX_LEN = 12, 40


def generate_corpus(rng):
    """Each topic has 30 keyword tokens; a document mixes topic keywords with background noise."""
    keywords = rng.choice(np.arange(1, VOCAB), size=(N_CLASSES, 30), replace=False)
    docs, labels = [], []
    for _ in range(N_DOCS):
        y = rng.integers(N_CLASSES)
        length = rng.integers(MIN_LEN, MAX_LEN + 1)
        n_kw = max(2, int(0.2 * length))
        toks = np.concatenate([rng.choice(keywords[y], n_kw),
                               rng.integers(1, VOCAB, length - n_kw)])
        rng.shuffle(toks)
        docs.append(toks)
        labels.append(y)
    return docs, np.array(labels)


def collate(docs, labels, idx):
    flat = np.concatenate([docs[i] for i in idx])
    lengths = np.array([len(docs[i]) for i in idx])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return (torch.from_numpy(flat).long(), torch.from_numpy(offsets).long(),
            torch.from_numpy(labels[idx]).long())


class BagClassifier(nn.Module):
    def __init__(self, vocab, dim, n_classes):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(dim, n_classes)
        nn.init.uniform_(self.bag.weight, -0.1, 0.1)

    def forward(self, tokens, offsets):
        return self.fc(self.drop(self.bag(tokens, offsets)))


rng = np.random.default_rng(SEED)
docs, labels = generate_corpus(rng)
order = rng.permutation(N_DOCS)
train_idx, val_idx = order[:3200], order[3200:]

model = BagClassifier(VOCAB, 48, N_CLASSES)
BATCH = 64
EPOCHS = 12
steps_per_epoch = int(np.ceil(len(train_idx) / BATCH))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-2, epochs=EPOCHS,
                                                steps_per_epoch=steps_per_epoch)

for epoch in range(EPOCHS):
    model.train()
    shuffled = rng.permutation(train_idx)
    running, correct = 0.0, 0
    for b in range(steps_per_epoch):
        idx = shuffled[b * BATCH:(b + 1) * BATCH]
        toks, offs, y = collate(docs, labels, idx)
        optimizer.zero_grad()
        logits = model(toks, offs)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        scheduler.step()
        running += loss.item() * len(idx)
        correct += (logits.argmax(1) == y).sum().item()

    model.eval()
    with torch.no_grad():
        toks, offs, y = collate(docs, labels, val_idx)
        val_logits = model(toks, offs)
        val_loss = F.cross_entropy(val_logits, y).item()
        val_acc = (val_logits.argmax(1) == y).float().mean().item()
    print(f"epoch {epoch + 1:02d} loss={running / len(train_idx):.4f} "
          f"train_acc={correct / len(train_idx):.3f} val_loss={val_loss:.4f} val_acc={val_acc:.3f}")

print(f"validation accuracy: {val_acc:.4f}")
