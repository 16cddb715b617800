"""Deep MLP on a synthetic 4-class tabular task, trained with a small HF-like Trainer.

Logs loss and grad-norm like transformers' Trainer does.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)


@dataclass
class DeepMLPConfig:
    in_features: int = 20
    width: int = 128
    depth: int = 6
    num_labels: int = 4
    init_std: float = 0.5


@dataclass
class TrainingArguments:
    num_train_epochs: int = 20
    train_batch_size: int = 64
    learning_rate: float = 0.02
    momentum: float = 0.9
    weight_decay: float = 5e-4
    warmup_steps: int = 30
    gradient_accumulation_steps: int = 2
    logging_steps: int = 25


class DeepMLPForClassification(nn.Module):
    def __init__(self, cfg: DeepMLPConfig):
        super().__init__()
        dims = [cfg.in_features] + [cfg.width] * cfg.depth
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.act = nn.ReLU()
        self.score = nn.Linear(cfg.width, cfg.num_labels)
        for lin in list(self.hidden) + [self.score]:
            nn.init.normal_(lin.weight, 0.0, cfg.init_std)
            nn.init.zeros_(lin.bias)

    def forward(self, inputs, labels=None):
        h = inputs
        for lin in self.hidden:
            h = self.act(lin(h))
        logits = self.score(h)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, -1) == labels).mean())}


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, compute_metrics, callbacks=()):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.compute_metrics = compute_metrics
        self.callbacks = list(callbacks)
        self.log_history = []

    def log(self, logs):
        self.log_history.append(logs)
        for cb in self.callbacks:
            cb.on_log(logs)

    @staticmethod
    def grad_norm(params):
        norms = [p.grad.detach().norm() for p in params if p.grad is not None]
        return torch.norm(torch.stack(norms)).item() if norms else 0.0

    def train(self):
        a = self.args
        dl = DataLoader(self.train_dataset, batch_size=a.train_batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(3))
        total = math.ceil(len(dl) / a.gradient_accumulation_steps) * a.num_train_epochs
        opt = torch.optim.SGD(self.model.parameters(), lr=a.learning_rate, momentum=a.momentum,
                              weight_decay=a.weight_decay)
        lam = lambda s: (s + 1) / a.warmup_steps if s < a.warmup_steps else max(0.0, (total - s) / (total - a.warmup_steps))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lam)
        gstep = 0
        for epoch in range(a.num_train_epochs):
            self.model.train()
            ep_loss, nb = 0.0, 0
            opt.zero_grad()
            for i, (x, y) in enumerate(dl):
                out = self.model(inputs=x, labels=y)
                (out["loss"] / a.gradient_accumulation_steps).backward()
                ep_loss += out["loss"].item()
                nb += 1
                if (i + 1) % a.gradient_accumulation_steps == 0:
                    gn = self.grad_norm(self.model.parameters())
                    opt.step()
                    sched.step()
                    opt.zero_grad()
                    gstep += 1
                    if gstep == 1 or gstep % a.logging_steps == 0:
                        self.log({"step": gstep, "loss": out["loss"].item(), "grad_norm": gn,
                                  "learning_rate": sched.get_last_lr()[0]})
            ev = self.evaluate()
            print(f"epoch {epoch + 1:2d}/{a.num_train_epochs} train_loss {ep_loss / nb:.4f} eval_acc {ev['eval_accuracy']:.4f}")
        return ev

    def evaluate(self):
        self.model.eval()
        logits, labels = [], []
        with torch.no_grad():
            for x, y in DataLoader(self.eval_dataset, batch_size=256):
                logits.append(self.model(inputs=x)["logits"].numpy())
                labels.append(y.numpy())
        m = self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))
        return {f"eval_{k}": v for k, v in m.items()}


class ConsoleLogger:
    def on_log(self, logs):
        print("   {" + ", ".join(f"'{k}': {v:.4g}" for k, v in logs.items()) + "}")


def main():
    X, y = make_classification(n_samples=2400, n_features=20, n_informative=12, n_redundant=4,
                               n_classes=4, n_clusters_per_class=2, class_sep=1.2, random_state=3)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
    to_ds = lambda a, b: TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b))
    model = DeepMLPForClassification(DeepMLPConfig())
    trainer = Trainer(model, TrainingArguments(), to_ds(X_tr, y_tr), to_ds(X_va, y_va),
                      compute_metrics, callbacks=[ConsoleLogger()])
    res = trainer.train()
    print(f"eval_accuracy = {res['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
