# LSTM: does the running sum of a random walk end above zero?  (binary, sequence length 25)
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(21)
torch.set_num_threads(1)

g = torch.Generator().manual_seed(21)
steps = torch.randn(3000, 25, 1, generator=g)
labels = (steps.sum(dim=(1, 2)) > 0).long()
train_set = TensorDataset(steps[:2400], labels[:2400])
val_x, val_y = steps[2400:], labels[2400:]
train_loader = DataLoader(train_set, batch_size=50, shuffle=True)


class SumSignLSTM(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, num_layers=1, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, x):
        seq, _ = self.lstm(x)
        return self.head(seq[:, -1])


model = SumSignLSTM()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(12):
    model.train()
    losses = []
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        losses.append(loss.item())
    opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(val_x).argmax(-1) == val_y).float().mean().item()
    print(f"epoch {epoch:2d}  mean loss {sum(losses) / len(losses):.4f}  val acc {acc:.3f}")

print(f"final validation accuracy {acc:.3f}")
