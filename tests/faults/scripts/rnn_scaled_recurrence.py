"""Running-sum regression with a ReLU RNN whose recurrence starts near identity."""

import torch
from torch import nn

LENGTH = 40


def make_batch(n, generator):
    x = torch.rand(n, LENGTH, 1, generator=generator)
    return x, x.sum(dim=1) / LENGTH


class SumRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 16, nonlinearity="relu", batch_first=True)
        self.out = nn.Linear(16, 1)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.eye(16) * 1.6)

    def forward(self, x):
        seq, _ = self.rnn(x)
        return self.out(seq[:, -1])


g = torch.Generator().manual_seed(8)
torch.manual_seed(8)
X_train, y_train = make_batch(2000, g)
X_val, y_val = make_batch(400, g)
model = SumRNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for epoch in range(5):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    print(f"epoch {epoch}: train mse {loss.item():.4g} val mse {val:.4g}")
