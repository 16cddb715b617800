import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score, roc_auc_score

SEED = 13
rng = np.random.RandomState(SEED)
torch.manual_seed(SEED)

N, D, TAGS, AUTHORS, SECTIONS = 3000, 16, 6, 30, 5
feats = rng.randn(N, D) * rng.uniform(0.5, 20, D) + rng.uniform(-50, 50, D)
author = rng.randint(0, AUTHORS, N)
section = rng.randint(0, SECTIONS, N)
W = rng.randn(D, TAGS)
author_pref = rng.randn(AUTHORS, TAGS)
section_pref = rng.randn(SECTIONS, TAGS) * 1.5
z = ((feats - feats.mean(0)) / feats.std(0)) @ W / np.sqrt(D) * 2.5 + author_pref[author] + section_pref[section]
tags = (z + rng.randn(N, TAGS) * 0.5 > 0.8).astype(np.float32)

idx_tr, idx_va = train_test_split(np.arange(N), test_size=0.2, random_state=SEED)
col_mean = feats[idx_tr].mean(axis=0)
col_std = feats[idx_tr].std(axis=0)


def batchify(ix):
    return {"dense": torch.tensor((feats[ix] - col_mean) / col_std, dtype=torch.float32),
            "author": torch.tensor(author[ix]), "section": torch.tensor(section[ix])}


train_x, val_x = batchify(idx_tr), batchify(idx_va)
train_y = torch.tensor(tags[idx_tr])
# soft targets for training: mild label smoothing on the multi-hot vectors
train_soft = train_y * 0.95 + 0.025
val_y = tags[idx_va]


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.author = nn.Embedding(AUTHORS, 8)
        self.section = nn.Embedding(SECTIONS, 4)
        self.trunk = nn.Sequential(nn.Linear(D + 12, 128), nn.GELU(), nn.Dropout(0.1),
                                   nn.Linear(128, 64), nn.GELU())
        self.head = nn.Linear(64, TAGS)

    def forward(self, dense, author, section):
        x = torch.cat([dense, self.author(author), self.section(section)], dim=-1)
        return self.head(self.trunk(x))


model = Tagger()
EPOCHS = 30
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
bce = nn.BCEWithLogitsLoss()

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(train_y))
    acc_loss = 0.0
    for s in range(0, len(order), 64):
        ix = order[s:s + 64]
        opt.zero_grad()
        out = model(**{k: v[ix] for k, v in train_x.items()})
        loss = bce(out, train_soft[ix])
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(ix)
    cosine.step()
    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(**val_x)).numpy()
    if epoch % 3 == 2:
        print(f"ep {epoch+1:2d} loss {acc_loss/len(order):.4f} micro-F1 {f1_score(val_y, probs > 0.5, average='micro'):.3f}")

print("val micro-F1 %.3f  macro-AUC %.3f" % (f1_score(val_y, probs > 0.5, average="micro"),
                                            roc_auc_score(val_y, probs, average="macro")))
