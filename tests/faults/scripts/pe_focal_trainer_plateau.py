"""Three-class skewed problem trained with a multi-class focal loss.

Trainer object style: AdamW, gradient clipping, ReduceLROnPlateau on the validation loss.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import classification_report, confusion_matrix, f1_score, balanced_accuracy_score


@dataclass
class Config:
    seed: int = 2024
    hidden: int = 96
    lr: float = 3e-3
    weight_decay: float = 0.01
    epochs: int = 20
    batch_size: int = 64
    gamma: float = 2.0
    clip: float = 1.0


class FocalLoss(nn.Module):
    def __init__(self, gamma, alpha):
        super().__init__()
        self.gamma = gamma
        self.register_buffer("alpha", alpha)

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        logp_t = logp.gather(1, target[:, None]).squeeze(1)
        p_t = logp_t.exp()
        return (-self.alpha[target] * (1 - p_t) ** self.gamma * logp_t).mean()


class Trainer:
    def __init__(self, cfg, model, alpha):
        self.cfg = cfg
        self.model = model
        self.loss_fn = FocalLoss(cfg.gamma, alpha)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(self.opt, mode="min", factor=0.5, patience=3)

    def fit_epoch(self, X, y):
        self.model.train()
        order = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), self.cfg.batch_size):
            idx = order[i:i + self.cfg.batch_size]
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(X[idx]), y[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
            self.opt.step()
            total += loss.item() * len(idx)
        return total / len(X)

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        logits = self.model(X)
        return self.loss_fn(logits, y).item(), logits.argmax(1)

    def run(self, Xtr, ytr, Xva, yva):
        for ep in range(self.cfg.epochs):
            tr_loss = self.fit_epoch(Xtr, ytr)
            va_loss, pred = self.evaluate(Xva, yva)
            self.sched.step(va_loss)
            f1 = f1_score(yva.numpy(), pred.numpy(), average="macro")
            print(f"ep {ep + 1:02d} lr={self.opt.param_groups[0]['lr']:.1e} train={tr_loss:.4f} "
                  f"val={va_loss:.4f} macroF1={f1:.3f}")
        return pred


def main():
    cfg = Config()
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    X, y = make_classification(n_samples=4000, n_features=12, n_informative=8, n_redundant=2, n_classes=3,
                               weights=[0.7, 0.2, 0.1], class_sep=1.5, random_state=cfg.seed)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, stratify=y, random_state=cfg.seed)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xva = sc.transform(Xtr), sc.transform(Xva)
    Xtr, Xva = torch.tensor(Xtr, dtype=torch.float32), torch.tensor(Xva, dtype=torch.float32)
    ytr, yva = torch.tensor(ytr), torch.tensor(yva)

    freq = torch.bincount(ytr).float() / len(ytr)
    alpha = (1.0 / freq) / (1.0 / freq).sum() * 3
    model = nn.Sequential(nn.Linear(12, cfg.hidden), nn.GELU(), nn.Dropout(0.2),
                          nn.Linear(cfg.hidden, cfg.hidden), nn.GELU(), nn.Linear(cfg.hidden, 3))
    pred = Trainer(cfg, model, alpha).run(Xtr, ytr, Xva, yva)
    print("balanced accuracy: %.3f" % balanced_accuracy_score(yva.numpy(), pred.numpy()))
    print(classification_report(yva.numpy(), pred.numpy(), digits=3))
    print(confusion_matrix(yva.numpy(), pred.numpy()))


if __name__ == "__main__":
    main()
