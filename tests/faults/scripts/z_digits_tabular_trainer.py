"""
Digits (8x8) as a flat tabular problem, trained through a small Trainer abstraction
modelled on the transformers one: TrainingArguments, Trainer.compute_loss, callbacks.
"""
import math
from dataclasses import dataclass, asdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

SEED = 0


@dataclass
class TrainingArguments:
    num_train_epochs: int = 15
    train_batch_size: int = 64
    eval_batch_size: int = 256
    learning_rate: float = 0.05
    weight_decay: float = 1e-4
    warmup_steps: int = 20
    gradient_accumulation_steps: int = 1
    seed: int = SEED


class TabularClassifier(nn.Module):
    def __init__(self, n_features, n_classes, hidden=128, p_drop=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(p_drop),
        )
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, input_features, labels=None):
        logits = self.out(self.net(input_features))
        return {"logits": logits}


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((logits.argmax(1) == labels).mean())}


class CallbackHandler:
    def __init__(self, callbacks):
        self.callbacks = callbacks

    def fire(self, event, **kw):
        for cb in self.callbacks:
            fn = getattr(cb, event, None)
            if fn:
                fn(**kw)


class LossHistoryCallback:
    def __init__(self):
        self.history = []

    def on_epoch_end(self, epoch, train_loss, metrics):
        self.history.append(train_loss)
        print(f"[epoch {epoch:02d}] loss={train_loss:.4f} val_acc={metrics['accuracy']:.4f}")


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, compute_metrics, callbacks):
        self.model = model
        self.args = args
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset
        self.compute_metrics = compute_metrics
        self.cb = CallbackHandler(callbacks)

    def compute_loss(self, model, inputs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        return F.cross_entropy(outputs["logits"], labels, reduction="sum")

    def _schedule(self, total):
        w = self.args.warmup_steps

        def f(step):
            return (step + 1) / w if step < w else max(0.0, (total - step) / (total - w))
        return f

    def train(self):
        args = self.args
        g = torch.Generator().manual_seed(args.seed)
        dl = DataLoader(self.train_dataset, batch_size=args.train_batch_size, shuffle=True, generator=g)
        total = math.ceil(len(dl) / args.gradient_accumulation_steps) * args.num_train_epochs
        opt = torch.optim.SGD(self.model.parameters(), lr=args.learning_rate, momentum=0.9,
                              nesterov=True, weight_decay=args.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, self._schedule(total))
        for epoch in range(1, args.num_train_epochs + 1):
            self.model.train()
            tot, n = 0.0, 0
            for step, (x, y) in enumerate(dl):
                loss = self.compute_loss(self.model, {"input_features": x, "labels": y})
                (loss / args.gradient_accumulation_steps).backward()
                if (step + 1) % args.gradient_accumulation_steps == 0:
                    opt.step()
                    sched.step()
                    opt.zero_grad()
                tot += loss.item() * len(y)
                n += len(y)
            metrics = self.evaluate()
            self.cb.fire("on_epoch_end", epoch=epoch, train_loss=tot / n, metrics=metrics)
        return metrics

    def evaluate(self):
        self.model.eval()
        dl = DataLoader(self.eval_dataset, batch_size=self.args.eval_batch_size)
        logits, labels = [], []
        with torch.no_grad():
            for x, y in dl:
                logits.append(self.model(input_features=x)["logits"].numpy())
                labels.append(y.numpy())
        return self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))


def main():
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)
    mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
    X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
    train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr))
    eval_ds = TensorDataset(torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va))

    args = TrainingArguments()
    print("args:", asdict(args))
    model = TabularClassifier(X.shape[1], 10)
    trainer = Trainer(model, args, train_ds, eval_ds, compute_metrics, [LossHistoryCallback()])
    metrics = trainer.train()
    print(f"eval accuracy: {metrics['accuracy']:.4f}")


if __name__ == "__main__":
    main()
