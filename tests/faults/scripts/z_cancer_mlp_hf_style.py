#!/usr/bin/env python
# Breast-cancer diagnosis with a "PreTrainedModel"-flavoured MLP and a home-made Trainer.
import math
import random
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score


def seed_everything(s=1234):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


@dataclass
class MLPConfig:
    num_features: int = 30
    hidden_sizes: tuple = (128, 128, 64)
    num_labels: int = 2
    hidden_dropout_prob: float = 0.1
    initializer_range: float = 0.02
    bias_init: float = -0.5


@dataclass
class ModelOutput:
    loss: Optional[torch.Tensor] = None
    logits: Optional[torch.Tensor] = None


class MLPForTabularClassification(nn.Module):
    config_class = MLPConfig

    def __init__(self, config: MLPConfig):
        super().__init__()
        self.config = config
        layers, d = [], config.num_features
        for h in config.hidden_sizes:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(config.hidden_dropout_prob)]
            d = h
        self.backbone = nn.Sequential(*layers)
        self.classifier = nn.Linear(d, config.num_labels)
        self.post_init()

    def post_init(self):
        for module in self.backbone:
            if isinstance(module, nn.Linear):
                module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
                module.bias.data.fill_(self.config.bias_init)
        self.classifier.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
        self.classifier.bias.data.zero_()

    def forward(self, features=None, labels=None):
        logits = self.classifier(self.backbone(features))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits, labels)
        return ModelOutput(loss=loss, logits=logits)


class TabularDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.as_tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"features": self.X[i], "labels": self.y[i]}


@dataclass
class TrainingArguments:
    num_train_epochs: int = 30
    per_device_train_batch_size: int = 16
    gradient_accumulation_steps: int = 2
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    eval_strategy: str = "epoch"
    logging_first_step: bool = True


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    probs = torch.softmax(torch.as_tensor(logits), -1)[:, 1].numpy()
    acc = float(((probs > 0.5).astype(int) == labels).mean())
    try:
        auc = float(roc_auc_score(labels, probs))
    except ValueError:
        auc = float("nan")
    return {"accuracy": acc, "roc_auc": auc}


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, compute_metrics, callbacks=None):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.compute_metrics = compute_metrics
        self.callbacks = callbacks or []

    def _lr_lambda(self, total, warmup):
        def fn(step):
            if step < warmup:
                return (step + 1) / max(1, warmup)
            progress = (step - warmup) / max(1, total - warmup)
            return max(0.0, 1.0 - progress)
        return fn

    def train(self):
        a = self.args
        loader = DataLoader(self.train_dataset, batch_size=a.per_device_train_batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
        total = math.ceil(len(loader) / a.gradient_accumulation_steps) * a.num_train_epochs
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=a.learning_rate, weight_decay=a.weight_decay)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, self._lr_lambda(total, int(a.warmup_ratio * total)))
        step = 0
        for epoch in range(a.num_train_epochs):
            self.model.train()
            losses = []
            for i, batch in enumerate(loader):
                out = self.model(**batch)
                (out.loss / a.gradient_accumulation_steps).backward()
                losses.append(out.loss.item())
                if a.logging_first_step and step == 0 and i == 0:
                    print(f"first step loss {out.loss.item():.4f}")
                if (i + 1) % a.gradient_accumulation_steps == 0 or (i + 1) == len(loader):
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
                    step += 1
            metrics = self.evaluate()
            for cb in self.callbacks:
                cb(epoch, float(np.mean(losses)), metrics)
        return metrics

    def evaluate(self):
        self.model.eval()
        loader = DataLoader(self.eval_dataset, batch_size=128)
        logits, labels = [], []
        with torch.no_grad():
            for batch in loader:
                logits.append(self.model(features=batch["features"]).logits)
                labels.append(batch["labels"])
        return self.compute_metrics((torch.cat(logits).numpy(), torch.cat(labels).numpy()))


def print_callback(epoch, loss, metrics):
    if epoch % 3 == 0 or epoch == 29:
        print(f"epoch {epoch:2d}  loss {loss:.4f}  val_acc {metrics['accuracy']:.4f}  val_auc {metrics['roc_auc']:.4f}")


if __name__ == "__main__":
    seed_everything()
    torch.set_num_threads(1)
    data = load_breast_cancer()
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              stratify=data.target, random_state=1234)
    mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
    X_tr = (X_tr - mean) / std
    X_te = (X_te - mean) / std
    model = MLPForTabularClassification(MLPConfig(num_features=X_tr.shape[1]))
    trainer = Trainer(model, TrainingArguments(), TabularDataset(X_tr, y_tr), TabularDataset(X_te, y_te),
                      compute_metrics, callbacks=[print_callback])
    final = trainer.train()
    print(f"test accuracy {final['accuracy']:.4f} | test roc_auc {final['roc_auc']:.4f}")
