"""Encoder-decoder GRU that learns to reverse short digit strings, trained with
teacher forcing and evaluated with greedy decoding."""
import random
import numpy as np
import torch
import torch.nn as nn

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)
torch.set_num_threads(1)

N_DIGITS = 10
SOS = N_DIGITS
VOCAB = N_DIGITS + 1
LEN = 7
EMB, HID = 32, 96


def batch(n):
    src = torch.randint(0, N_DIGITS, (n, LEN))
    return src, src.flip(1)


train_src, train_tgt = batch(3000)
val_src, val_tgt = batch(500)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB)
        self.rnn = nn.GRU(EMB, HID, batch_first=True)

    def forward(self, src):
        _, h = self.rnn(self.emb(src))
        return h


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB)
        self.rnn = nn.GRU(EMB, HID, batch_first=True)
        self.proj = nn.Linear(HID, N_DIGITS)

    def forward(self, inp, h):
        out, h = self.rnn(self.emb(inp), h)
        return self.proj(out), h


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, src, tgt):
        h = self.encoder(src)
        h = h.detach()
        sos = torch.full((src.size(0), 1), SOS, dtype=torch.long)
        dec_in = torch.cat([sos, tgt[:, :-1]], dim=1)  # teacher forcing
        logits, _ = self.decoder(dec_in, h)
        return logits

    @torch.no_grad()
    def greedy(self, src):
        h = self.encoder(src)
        tok = torch.full((src.size(0), 1), SOS, dtype=torch.long)
        outs = []
        for _ in range(LEN):
            logits, h = self.decoder(tok, h)
            tok = logits.argmax(-1)
            outs.append(tok)
        return torch.cat(outs, dim=1)


model = Seq2Seq()
optim = torch.optim.Adam(model.parameters(), lr=3e-3)
ce = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    perm = torch.randperm(len(train_src))
    ep_loss = 0.0
    nb = 0
    for i in range(0, len(perm), 100):
        idx = perm[i:i + 100]
        src, tgt = train_src[idx], train_tgt[idx]
        logits = model(src, tgt)
        loss = ce(logits.reshape(-1, N_DIGITS), tgt.reshape(-1))
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        ep_loss += loss.item()
        nb += 1
    model.eval()
    pred = model.greedy(val_src)
    tok_acc = (pred == val_tgt).float().mean().item()
    seq_acc = (pred == val_tgt).all(1).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {ep_loss / nb:.4f}  val token acc {tok_acc:.3f}  seq acc {seq_acc:.3f}")

print(f"final: token accuracy {tok_acc:.3f}, exact-match {seq_acc:.3f}")
