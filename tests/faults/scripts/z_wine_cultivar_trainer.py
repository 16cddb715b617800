"""Wine cultivar classification, transformers-Trainer look-alike with SGD."""
import math
from dataclasses import dataclass
from typing import Dict

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score

SEED = 11


@dataclass
class TrainingArguments:
    output_dir: str = "/tmp/wine-mlp"
    num_train_epochs: int = 40
    per_device_train_batch_size: int = 16
    gradient_accumulation_steps: int = 1
    learning_rate: float = 0.05
    sgd_momentum: float = 0.995
    weight_decay: float = 1e-4
    warmup_steps: int = 10
    logging_strategy: str = "epoch"
    seed: int = SEED


class WineDataset(Dataset):
    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.long)

    def __len__(self):
        return self.features.shape[0]

    def __getitem__(self, idx) -> Dict[str, torch.Tensor]:
        return {"input_values": self.features[idx], "labels": self.targets[idx]}


class WineClassifier(nn.Module):
    def __init__(self, n_in=13, n_hidden=64, n_classes=3, dropout=0.2):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_in, n_hidden), nn.GELU(), nn.Dropout(dropout),
            nn.Linear(n_hidden, n_hidden), nn.GELU(), nn.Dropout(dropout),
        )
        self.head = nn.Linear(n_hidden, n_classes)

    def forward(self, input_values, labels=None):
        logits = self.head(self.encoder(input_values))
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = logits.argmax(axis=1)
    return {"accuracy": float((preds == labels).mean()),
            "macro_f1": float(f1_score(labels, preds, average="macro"))}


class TrainerCallback:
    def on_train_begin(self, trainer): pass
    def on_evaluate(self, trainer, epoch, logs): pass


class PrintProgress(TrainerCallback):
    def on_train_begin(self, trainer):
        print(f"***** Running training *****  num examples = {len(trainer.train_dataset)}")

    def on_evaluate(self, trainer, epoch, logs):
        if (epoch + 1) % 4 == 0:
            print(f"epoch {epoch + 1:3d}  " + "  ".join(f"{k}={v:.4f}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, compute_metrics, callbacks):
        self.model = model
        self.args = args
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset
        self.compute_metrics = compute_metrics
        self.callbacks = callbacks

    def create_optimizer(self):
        return torch.optim.SGD(self.model.parameters(), lr=self.args.learning_rate,
                               momentum=self.args.sgd_momentum, weight_decay=self.args.weight_decay)

    def create_scheduler(self, optimizer, total_steps):
        warm = self.args.warmup_steps

        def lr_lambda(step):
            if step < warm:
                return float(step + 1) / warm
            return max(0.0, float(total_steps - step) / float(total_steps - warm))
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)

    def training_step(self, batch):
        out = self.model(**batch)
        loss = out["loss"] / self.args.gradient_accumulation_steps
        loss.backward()
        return out["loss"].detach()

    def train(self):
        a = self.args
        loader = DataLoader(self.train_dataset, batch_size=a.per_device_train_batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(a.seed))
        total = math.ceil(len(loader) / a.gradient_accumulation_steps) * a.num_train_epochs
        self.optimizer = self.create_optimizer()
        self.scheduler = self.create_scheduler(self.optimizer, total)
        for cb in self.callbacks:
            cb.on_train_begin(self)
        for epoch in range(a.num_train_epochs):
            self.model.train()
            tr_loss = []
            for step, batch in enumerate(loader):
                tr_loss.append(self.training_step(batch).item())
                if (step + 1) % a.gradient_accumulation_steps == 0 or step + 1 == len(loader):
                    self.optimizer.step()
                    self.scheduler.step()
                    self.optimizer.zero_grad()
            logs = {"train_loss": float(np.mean(tr_loss)), **self.evaluate()}
            for cb in self.callbacks:
                cb.on_evaluate(self, epoch, logs)
        return logs

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        loader = DataLoader(self.eval_dataset, batch_size=64)
        logits, labels, losses = [], [], []
        for batch in loader:
            out = self.model(**batch)
            losses.append(out["loss"].item() * len(batch["labels"]))
            logits.append(out["logits"].numpy())
            labels.append(batch["labels"].numpy())
        m = self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))
        out = {"eval_loss": sum(losses) / len(self.eval_dataset)}
        out.update({f"eval_{k}": v for k, v in m.items()})
        return out


def main():
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    X, y = load_wine(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=SEED, stratify=y)
    mu, sigma = X_train.mean(0), X_train.std(0)
    X_train = (X_train - mu) / sigma
    X_val = (X_val - mu) / sigma
    trainer = Trainer(WineClassifier(), TrainingArguments(), WineDataset(X_train, y_train),
                      WineDataset(X_val, y_val), compute_metrics, [PrintProgress()])
    logs = trainer.train()
    print(f"final: eval_accuracy={logs['eval_accuracy']:.4f} eval_macro_f1={logs['eval_macro_f1']:.4f}")


if __name__ == "__main__":
    main()
