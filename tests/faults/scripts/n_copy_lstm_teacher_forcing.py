"""Toy seq2seq: an LSTM encoder-decoder learns to copy a short symbol string.
The decoder runs step by step with a teacher-forcing ratio that decays per epoch."""
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(99)
torch.manual_seed(99)
torch.set_num_threads(1)

SYMBOLS, LENGTH = 8, 5
BOS = SYMBOLS
H = 128

src_train = torch.randint(0, SYMBOLS, (2500, LENGTH))
src_val = torch.randint(0, SYMBOLS, (400, LENGTH))


class CopyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(SYMBOLS, 32)
        self.tgt_emb = nn.Embedding(SYMBOLS + 1, 32)
        self.encoder = nn.LSTM(32, H, batch_first=True)
        self.cell = nn.LSTMCell(32, H)
        self.out = nn.Linear(H, SYMBOLS)

    def forward(self, src, target=None, tf_ratio=0.0):
        _, (h, c) = self.encoder(self.src_emb(src))
        h, c = h[0], c[0]
        tok = torch.full((src.size(0),), BOS, dtype=torch.long)
        logits = []
        for t in range(LENGTH):
            h, c = self.cell(self.tgt_emb(tok), (h, c))
            step_logits = self.out(h)
            logits.append(step_logits)
            if target is not None and random.random() < tf_ratio:
                tok = target[:, t]
            else:
                tok = step_logits.argmax(-1)
        return torch.stack(logits, dim=1)


net = CopyNet()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)

for epoch in range(14):
    tf = max(0.0, 1.0 - epoch / 10)
    net.train()
    perm = torch.randperm(len(src_train))
    tot = 0.0
    for i in range(0, len(perm), 64):
        src = src_train[perm[i:i + 64]]
        opt.zero_grad()
        logits = net(src, target=src, tf_ratio=tf)
        loss = F.cross_entropy(logits.reshape(-1, SYMBOLS), src.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(src)
    net.eval()
    with torch.no_grad():
        pred = net(src_val).argmax(-1)
    tok_acc = (pred == src_val).float().mean().item()
    exact = (pred == src_val).all(1).float().mean().item()
    print(f"epoch {epoch + 1:2d} tf={tf:.1f} loss {tot / len(src_train):.4f} "
          f"val token acc {tok_acc:.3f} exact {exact:.3f}")

print(f"final copy accuracy: token {tok_acc:.3f}, exact match {exact:.3f}")
