"""Variable-length sequence classifier: a Dataset, a padding collate function and a packed GRU."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset


class TrendDataset(Dataset):
    """Random walks of random length; the label says whether the walk drifts upwards."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n):
            length = int(torch.randint(5, 30, (1,), generator=g))
            label = int(torch.randint(0, 2, (1,), generator=g))
            drift = 0.3 if label else -0.3
            steps = drift + torch.randn(length, generator=g)
            self.items.append((steps.cumsum(0).unsqueeze(-1) / 5, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    sequences, labels = zip(*batch, strict=True)
    lengths = torch.tensor([len(s) for s in sequences])
    return pad_sequence(sequences, batch_first=True), lengths, torch.tensor(labels)


class PackedGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.head(h[-1])


torch.manual_seed(60)
train_loader = DataLoader(TrendDataset(1500, seed=1), batch_size=32, shuffle=True, collate_fn=collate)
val_loader = DataLoader(TrendDataset(300, seed=2), batch_size=100, collate_fn=collate)
model = PackedGRU()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    model.train()
    for padded, lengths, labels in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(padded, lengths), labels)
        loss.backward()
        optimizer.step()
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for padded, lengths, labels in val_loader:
            correct += (model(padded, lengths).argmax(1) == labels).sum().item()
            total += len(labels)
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {correct / total:.3f}")
