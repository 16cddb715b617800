# Topic classification (4 topics) on synthetic token streams.
# Embedding + masked mean pooling + linear classifier, Adam with a short LambdaLR warmup.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(11)
torch.set_num_threads(1)

VOCAB_SIZE = 500
MAX_LEN = 30
N_TOPICS = 4


def generate_corpus(n_docs, rng):
    topics = rng.integers(0, N_TOPICS, size=n_docs)
    docs = np.zeros((n_docs, MAX_LEN), dtype=np.int64)      # 0 is padding
    for d in range(n_docs):
        length = rng.integers(12, MAX_LEN + 1)
        words = rng.integers(1, VOCAB_SIZE, size=length)     # background words
        n_topic_words = rng.integers(2, 5)
        first = 1 + topics[d] * 25                            # each topic owns 25 keywords
        pos = rng.choice(length, n_topic_words, replace=False)
        words[pos] = rng.integers(first, first + 25, size=n_topic_words)
        docs[d, :length] = words
    return docs, topics.astype(np.int64)


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab_size, emb_dim, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(emb_dim, n_classes)

    def forward(self, ids):
        mask = (ids != 0).float().unsqueeze(-1)
        emb = self.embedding(ids) * mask
        mean = emb.sum(1) / mask.sum(1).clamp_min(1)
        return self.classifier(self.dropout(mean))


def train_one_epoch(model, loader, optimizer, loss_fn, scheduler):
    model.train()
    total_loss = 0.0
    for ids, topic in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(ids), topic)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total_loss += loss.item()
    return total_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    right = total = 0
    with torch.no_grad():
        for ids, topic in loader:
            right += (model(ids).argmax(-1) == topic).sum().item()
            total += topic.size(0)
    return right / total


def main():
    rng = np.random.default_rng(11)
    train_docs, train_topics = generate_corpus(2400, rng)
    val_docs, val_topics = generate_corpus(600, rng)

    train_loader = DataLoader(TensorDataset(torch.from_numpy(train_docs), torch.from_numpy(train_topics)),
                              batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(torch.from_numpy(val_docs), torch.from_numpy(val_topics)),
                            batch_size=300)

    model = BagOfEmbeddings(VOCAB_SIZE, emb_dim=16, n_classes=N_TOPICS)
    model.embedding.weight.requires_grad_(False)

    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    warmup_steps = 30
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lr_lambda=lambda step: min(1.0, (step + 1) / warmup_steps))
    loss_fn = nn.CrossEntropyLoss()

    n_trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"trainable parameters: {n_trainable}")
    for epoch in range(15):
        loss = train_one_epoch(model, train_loader, optimizer, loss_fn, scheduler)
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch + 1:2d} | loss {loss:.4f} | val acc {acc:.3f}")
    print(f"final val acc: {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
