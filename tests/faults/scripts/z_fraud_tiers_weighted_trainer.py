"""Three-tier transaction risk model (imbalanced), HF-style Trainer with weighted loss."""
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, accuracy_score
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, Dataset

RNG_SEED = 8


@dataclass
class TrainingArguments:
    max_epochs: int = 40
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-4
    plateau_factor: float = 0.5
    plateau_patience: int = 2
    early_stopping_patience: int = 6
    max_grad_norm: float = 2.0


@dataclass
class ClassifierOutput:
    loss: Optional[torch.Tensor]
    logits: torch.Tensor


class RiskModel(nn.Module):
    def __init__(self, n_features, n_classes, class_weights=None):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, 96), nn.BatchNorm1d(96), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(96, 48), nn.BatchNorm1d(48), nn.ReLU(), nn.Dropout(0.2),
        )
        self.head = nn.Linear(48, n_classes)
        self.register_buffer("class_weights", class_weights if class_weights is not None else torch.ones(n_classes))

    def forward(self, input_features, labels=None):
        logits = self.head(self.body(input_features))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits, labels, weight=self.class_weights)
        return ClassifierOutput(loss, logits)


class RowDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"input_features": self.X[i], "labels": self.y[i]}


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = logits.argmax(-1)
    return {"accuracy": accuracy_score(labels, preds), "balanced_accuracy": balanced_accuracy_score(labels, preds)}


class EarlyStoppingCallback:
    def __init__(self, patience):
        self.patience, self.best, self.count = patience, float("inf"), 0
        self.best_state = None

    def on_evaluate(self, trainer, metrics):
        if metrics["eval_loss"] < self.best - 1e-4:
            self.best, self.count = metrics["eval_loss"], 0
            self.best_state = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
        else:
            self.count += 1
            trainer.control_should_stop = self.count >= self.patience


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, compute_metrics, callbacks):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.compute_metrics, self.callbacks = compute_metrics, callbacks
        self.control_should_stop = False

    def train(self):
        a = self.args
        loader = DataLoader(self.train_dataset, batch_size=a.batch_size, shuffle=True, drop_last=True,
                            generator=torch.Generator().manual_seed(RNG_SEED))
        opt = torch.optim.Adam(self.model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=a.plateau_factor,
                                                             patience=a.plateau_patience)
        for epoch in range(1, a.max_epochs + 1):
            self.model.train()
            run = 0.0
            for batch in loader:
                opt.zero_grad()
                out = self.model(**batch)
                out.loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), a.max_grad_norm)
                opt.step()
                run += out.loss.item()
            metrics = self.evaluate()
            plateau.step(metrics["eval_loss"])
            print(f"epoch {epoch:2d}  train_loss={run / len(loader):.4f}  eval_loss={metrics['eval_loss']:.4f}  "
                  f"eval_bal_acc={metrics['eval_balanced_accuracy']:.4f}  lr={opt.param_groups[0]['lr']:.1e}")
            for cb in self.callbacks:
                cb.on_evaluate(self, metrics)
            if self.control_should_stop:
                print(f"stopping early at epoch {epoch}")
                break
        for cb in self.callbacks:
            if isinstance(cb, EarlyStoppingCallback) and cb.best_state is not None:
                self.model.load_state_dict(cb.best_state)
        return self.evaluate()

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        logits, labels, loss, n = [], [], 0.0, 0
        for batch in DataLoader(self.eval_dataset, batch_size=256):
            out = self.model(**batch)
            loss += out.loss.item() * len(batch["labels"])
            n += len(batch["labels"])
            logits.append(out.logits.numpy())
            labels.append(batch["labels"].numpy())
        m = self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))
        return {"eval_loss": loss / n, **{f"eval_{k}": float(v) for k, v in m.items()}}


def main():
    np.random.seed(RNG_SEED)
    torch.manual_seed(RNG_SEED)
    torch.set_num_threads(1)
    X, y = make_classification(n_samples=3000, n_features=16, n_informative=8, n_redundant=3,
                               n_classes=3, weights=[0.75, 0.18, 0.07], class_sep=1.5,
                               random_state=RNG_SEED)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=RNG_SEED)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    counts = np.bincount(y_tr, minlength=3)
    weights = torch.tensor(len(y_tr) / (3 * counts), dtype=torch.float32)
    print("class counts", counts.tolist(), "weights", [round(w, 2) for w in weights.tolist()])
    model = RiskModel(X.shape[1], 3, class_weights=weights)
    trainer = Trainer(model, TrainingArguments(), RowDataset(X_tr, y_tr), RowDataset(X_va, y_va),
                      compute_metrics, callbacks=[EarlyStoppingCallback(TrainingArguments.early_stopping_patience)])
    final = trainer.train()
    print(f"final eval: accuracy={final['eval_accuracy']:.4f} balanced_accuracy={final['eval_balanced_accuracy']:.4f}")


if __name__ == "__main__":
    main()
