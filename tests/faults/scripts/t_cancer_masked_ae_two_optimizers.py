"""Breast-cancer classifier with a masked-feature pretrained encoder.

Pretext task: zero out a random 40% of the features and predict the original values.
Fine-tuning uses two optimizers: SGD+momentum for the pretrained encoder and Adam for
the fresh head, each with its own ReduceLROnPlateau on validation loss.
"""
import copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import accuracy_score, f1_score


class Trainer:
    def __init__(self, seed=17):
        torch.manual_seed(seed)
        np.random.seed(seed)
        X, y = load_breast_cancer(return_X_y=True)
        Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)
        sc = StandardScaler().fit(Xtr)
        self.Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
        self.Xva = torch.tensor(sc.transform(Xva), dtype=torch.float32)
        self.ytr = torch.tensor(ytr, dtype=torch.float32)
        self.yva = torch.tensor(yva, dtype=torch.float32)
        self.encoder = nn.Sequential(nn.Linear(30, 64), nn.BatchNorm1d(64), nn.ReLU(),
                                     nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU())
        self.decoder = nn.Linear(32, 30)
        self.head = nn.Sequential(nn.Dropout(0.25), nn.Linear(32, 1))

    def batches(self, bs):
        perm = torch.randperm(len(self.Xtr))
        for i in range(0, len(perm) - bs + 1, bs):  # drop the ragged last batch (BatchNorm)
            yield perm[i:i + bs]

    def pretrain(self, epochs=20):
        opt = torch.optim.Adam(list(self.encoder.parameters()) + list(self.decoder.parameters()), lr=1e-3)
        for ep in range(epochs):
            self.encoder.train(); self.decoder.train()
            losses = []
            for idx in self.batches(32):
                x = self.Xtr[idx]
                keep = (torch.rand_like(x) > 0.4).float()
                out = self.decoder(self.encoder(x * keep))
                loss = F.mse_loss(out * (1 - keep), x * (1 - keep)) / 0.4
                opt.zero_grad(); loss.backward(); opt.step()
                losses.append(loss.item())
            if ep % 5 == 4:
                print(f"pretrain {ep + 1:3d}: masked mse {np.mean(losses):.4f}")

    def logits(self, x):
        return self.head(self.encoder(x)).squeeze(-1)

    def evaluate(self):
        self.encoder.eval(); self.head.eval()
        with torch.no_grad():
            z = self.logits(self.Xva)
            loss = F.binary_cross_entropy_with_logits(z, self.yva).item()
            pred = (z > 0).float().numpy()
        return loss, accuracy_score(self.yva.numpy(), pred), f1_score(self.yva.numpy(), pred)

    def finetune(self, epochs=60, patience=10):
        opt_enc = torch.optim.SGD(self.encoder.parameters(), lr=0.01, momentum=0.9, nesterov=True)
        opt_head = torch.optim.Adam(self.head.parameters(), lr=3e-3)
        sch_enc = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_enc, factor=0.5, patience=3)
        sch_head = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_head, factor=0.5, patience=3)
        best, best_states, wait = float("inf"), None, 0
        for ep in range(epochs):
            self.encoder.train(); self.head.train()
            tl, n = 0.0, 0
            for idx in self.batches(32):
                loss = F.binary_cross_entropy_with_logits(self.logits(self.Xtr[idx]), self.ytr[idx])
                opt_enc.zero_grad(); opt_head.zero_grad()
                loss.backward()
                opt_enc.step(); opt_head.step()
                tl += loss.item() * len(idx); n += len(idx)
            vloss, vacc, vf1 = self.evaluate()
            sch_enc.step(vloss); sch_head.step(vloss)
            if ep % 5 == 0:
                print(f"finetune {ep + 1:3d}: train bce {tl / n:.4f}  val bce {vloss:.4f}  "
                      f"val acc {vacc:.3f}  f1 {vf1:.3f}")
            if vloss < best - 1e-4:
                best, wait = vloss, 0
                best_states = (copy.deepcopy(self.encoder.state_dict()), copy.deepcopy(self.head.state_dict()))
            else:
                wait += 1
                if wait >= patience:
                    print(f"early stopping at epoch {ep + 1} (best val bce {best:.4f})")
                    break
        self.encoder.load_state_dict(best_states[0]); self.head.load_state_dict(best_states[1])


if __name__ == "__main__":
    tr = Trainer()
    tr.pretrain()
    tr.finetune()
    loss, acc, f1 = tr.evaluate()
    print(f"best checkpoint: val bce {loss:.4f}  val acc {acc:.4f}  f1 {f1:.4f}")
