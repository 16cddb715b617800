"""Three-way 'topic' classification of token sequences with a 1-D CNN over
embeddings. Classes are imbalanced, so the loss is class-weighted and the
model is selected on validation balanced accuracy (early stopping)."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

torch.manual_seed(2024)
torch.set_num_threads(1)
rng = np.random.default_rng(2024)

VOCAB, L = 40, 32
# each topic prefers its own block of 8 "keyword" tokens
topic_vocab = {0: np.arange(0, 8), 1: np.arange(8, 16), 2: np.arange(16, 24)}


def draw(n):
    y = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    x = rng.integers(24, VOCAB, size=(n, L))  # neutral filler tokens
    for i in range(n):
        k = rng.integers(2, 5)
        pos = rng.choice(L, size=k, replace=False)
        x[i, pos] = rng.choice(topic_vocab[y[i]], size=k)
    return x, y


X, Y = draw(3000)
Xtr, Xva, Ytr, Yva = train_test_split(X, Y, test_size=0.2, stratify=Y, random_state=0)
Xtr, Xva = torch.tensor(Xtr), torch.tensor(Xva)
Ytr, Yva = torch.tensor(Ytr), torch.tensor(Yva)

counts = torch.bincount(Ytr, minlength=3).float()
class_w = counts.sum() / (3 * counts)
print("train class counts", counts.long().tolist(), "weights", [round(w, 2) for w in class_w.tolist()])


class TextCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32)
        self.convs = nn.ModuleList([nn.Conv1d(32, 32, k, padding=k // 2) for k in (3, 5)])
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(64, 3)

    def forward(self, x):
        e = self.emb(x).transpose(1, 2)
        feats = [torch.relu(c(e)).max(dim=2).values for c in self.convs]
        return self.fc(self.drop(torch.cat(feats, dim=1)))


model = TextCNN()
EPOCHS, BS = 15, 64
steps_per_epoch = (len(Xtr) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=EPOCHS,
                                            steps_per_epoch=steps_per_epoch)
crit = nn.CrossEntropyLoss(weight=class_w)

best, best_state, bad, patience = -1.0, None, 0, 4
for ep in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    run = 0.0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        opt.zero_grad()
        loss = crit(model(Xtr[b]), Ytr[b])
        loss.backward()
        opt.step()
        sched.step()
        run += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pred = model(Xva).argmax(1)
    bacc = balanced_accuracy_score(Yva.numpy(), pred.numpy())
    acc = (pred == Yva).float().mean().item()
    print(f"epoch {ep + 1:2d} loss {run / len(Xtr):.4f} val acc {acc:.3f} bal acc {bacc:.3f}")
    if bacc > best + 1e-4:
        best, best_state, bad = bacc, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print("early stopping")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(Xva).argmax(1)
print(f"best val balanced accuracy {balanced_accuracy_score(Yva.numpy(), pred.numpy()):.3f}")
