"""Sequence classifier: does a long noisy sequence start with a positive pulse?"""

import torch
from torch import nn

LENGTH = 80


def make_sequences(n, generator):
    x = torch.randn(n, LENGTH, 1, generator=generator) * 0.5
    labels = torch.randint(0, 2, (n,), generator=generator)
    x[:, 0, 0] = labels.float() * 2 - 1
    return x, labels


class PulseRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.head(h[-1])


g = torch.Generator().manual_seed(3)
torch.manual_seed(3)
X_train, y_train = make_sequences(1024, g)
X_val, y_val = make_sequences(256, g)
model = PulseRNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: train loss {loss.item():.3f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
