"""Marketplace listing quality model: thumbnail CNN + listing attributes MLP.

Three classes (low / mid / high quality). Thumbnails are 16x16 RGB renders,
attributes are 10 numeric listing fields. Separate learning rates per branch.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(42)
torch.set_num_threads(1)
rng = np.random.default_rng(42)

N_TRAIN, N_VAL, N_CLASSES = 1200, 400, 3


def synth(n):
    attrs = rng.normal(0, 1, (n, 10)).astype(np.float32)
    # quality depends non-linearly on a few attributes
    q = np.tanh(attrs[:, 0] * attrs[:, 1]) * 1.5 + np.abs(attrs[:, 2]) - 0.8 + 0.3 * attrs[:, 3] ** 2
    thumbs = rng.normal(0, 1, (n, 3, 16, 16)).astype(np.float32)
    thumbs[:, 1, 4:12, 4:12] += 0.25 * q[:, None, None]  # faint green-channel cue
    cuts = np.quantile(q, [1 / 3, 2 / 3])
    y = np.digitize(q, cuts).astype(np.int64)
    return thumbs, attrs, y


img_tr, att_tr, y_tr = synth(N_TRAIN)
img_va, att_va, y_va = synth(N_VAL)

ch_mean = img_tr.mean(axis=(0, 2, 3), keepdims=True)
ch_std = img_tr.std(axis=(0, 2, 3), keepdims=True)
att_mean, att_std = att_tr.mean(0), att_tr.std(0)


class ListingDataset(Dataset):
    def __init__(self, imgs, attrs, y):
        self.imgs = torch.from_numpy((imgs - ch_mean) / ch_std)
        self.attrs = torch.from_numpy((attrs - att_mean) / att_std)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"image": self.imgs[i], "attrs": self.attrs[i], "label": self.y[i]}


class ThumbCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 12, 3, padding=1)
        self.c2 = nn.Conv2d(12, 24, 3, padding=1)
        self.proj = nn.Linear(24, 16)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.relu(self.c2(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return F.relu(self.proj(x))


class AttrMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(10, 64), nn.ReLU(),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, 4), nn.ReLU(),
        )

    def forward(self, x):
        return self.net(x)


class ListingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.image_branch = ThumbCNN()
        self.attr_branch = AttrMLP()
        self.classifier = nn.Sequential(nn.Linear(16 + 4, 32), nn.ReLU(), nn.Linear(32, N_CLASSES))

    def forward(self, image, attrs):
        return self.classifier(torch.cat([self.image_branch(image), self.attr_branch(attrs)], 1))


class Trainer:
    def __init__(self, model, train_ds, val_ds, epochs=20):
        self.model = model
        self.epochs = epochs
        self.train_dl = DataLoader(train_ds, batch_size=48, shuffle=True)
        self.val_dl = DataLoader(val_ds, batch_size=200)
        self.opt = torch.optim.Adam([
            {"params": model.image_branch.parameters(), "lr": 5e-4},
            {"params": model.classifier.parameters(), "lr": 2e-3},
        ])
        self.crit = nn.CrossEntropyLoss()

    def run_epoch(self):
        self.model.train()
        total, n = 0.0, 0
        for batch in self.train_dl:
            self.opt.zero_grad()
            out = self.model(batch["image"], batch["attrs"])
            loss = self.crit(out, batch["label"])
            loss.backward()
            self.opt.step()
            total += loss.item() * len(batch["label"])
            n += len(batch["label"])
        return total / n

    @torch.no_grad()
    def evaluate(self, dl=None):
        self.model.eval()
        dl = dl or self.val_dl
        hits, n, total = 0, 0, 0.0
        for batch in dl:
            out = self.model(batch["image"], batch["attrs"])
            total += self.crit(out, batch["label"]).item() * len(batch["label"])
            hits += (out.argmax(1) == batch["label"]).sum().item()
            n += len(batch["label"])
        return total / n, hits / n

    def fit(self):
        for ep in range(1, self.epochs + 1):
            tl = self.run_epoch()
            vl, va = self.evaluate()
            print(f"epoch {ep:2d} | train {tl:.4f} | val {vl:.4f} | val_acc {va:.3f}")
        _, tr_acc = self.evaluate(DataLoader(self.train_dl.dataset, batch_size=400))
        _, va_acc = self.evaluate()
        print(f"train_acc={tr_acc:.3f} val_acc={va_acc:.3f}")


if __name__ == "__main__":
    trainer = Trainer(ListingModel(), ListingDataset(img_tr, att_tr, y_tr), ListingDataset(img_va, att_va, y_va))
    trainer.fit()
