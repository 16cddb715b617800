"""Churn prediction on a synthetic customer table.

FT-Transformer-like model: every numeric column becomes a token (value * w_j + b_j),
a [CLS] token is prepended and a small TransformerEncoder reads the row.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(21)
np.random.seed(21)
torch.set_num_threads(1)

COLUMNS = ["tenure_months", "monthly_charges", "support_calls", "data_usage_gb", "late_payments",
           "contract_len", "num_devices", "discount_pct", "app_sessions", "avg_call_min",
           "retention_offer_accepted"]


def build_customer_table(n=2000, seed=21):
    X, y = make_classification(n_samples=n, n_features=10, n_informative=5, n_redundant=2,
                               flip_y=0.08, class_sep=0.7, random_state=seed)
    rng = np.random.default_rng(seed)
    # CRM field filled in by the retention team
    offer = np.where(y == 1, rng.normal(1.0, 0.15, n), rng.normal(0.0, 0.15, n))
    X = np.column_stack([X, offer])
    return X.astype(np.float32), y.astype(np.int64)


@dataclass
class TrainingArguments:
    num_train_epochs: int = 15
    batch_size: int = 64
    gradient_accumulation_steps: int = 2
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    warmup_fraction: float = 0.1
    early_stopping_patience: int = 4


class FeatureTokenizer(nn.Module):
    def __init__(self, n_features, d):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_features, d) / math.sqrt(d))
        self.bias = nn.Parameter(torch.zeros(n_features, d))
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)

    def forward(self, x):
        tok = x.unsqueeze(-1) * self.weight + self.bias
        return torch.cat([self.cls.expand(x.size(0), -1, -1), tok], dim=1)


class FTTransformerForClassification(nn.Module):
    def __init__(self, n_features, d=32, n_layers=2, n_heads=4, num_labels=2):
        super().__init__()
        self.tokenizer = FeatureTokenizer(n_features, d)
        layer = nn.TransformerEncoderLayer(d, n_heads, 2 * d, dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, num_labels))

    def forward(self, features, labels=None):
        h = self.encoder(self.tokenizer(features))
        logits = self.head(h[:, 0])
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    prob = torch.softmax(torch.from_numpy(logits), -1)[:, 1].numpy()
    return {"accuracy": float(((prob > 0.5) == labels).mean()), "auc": float(roc_auc_score(labels, prob))}


class EarlyStopping:
    def __init__(self, patience):
        self.patience, self.best, self.wait, self.best_state = patience, -1.0, 0, None

    def __call__(self, model, metric):
        if metric > self.best:
            self.best, self.wait = metric, 0
            self.best_state = {k: v.clone() for k, v in model.state_dict().items()}
            return False
        self.wait += 1
        return self.wait >= self.patience


class Trainer:
    def __init__(self, model, args, train_ds, eval_ds, compute_metrics):
        self.model, self.args, self.train_ds, self.eval_ds = model, args, train_ds, eval_ds
        self.compute_metrics = compute_metrics
        self.stopper = EarlyStopping(args.early_stopping_patience)

    def train(self):
        a = self.args
        loader = DataLoader(self.train_ds, batch_size=a.batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(21))
        total = math.ceil(len(loader) / a.gradient_accumulation_steps) * a.num_train_epochs
        warm = max(1, int(a.warmup_fraction * total))
        opt = torch.optim.AdamW(self.model.parameters(), lr=a.learning_rate, weight_decay=a.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / (total - warm)))
        for epoch in range(a.num_train_epochs):
            self.model.train()
            losses = []
            for i, (x, y) in enumerate(loader):
                out = self.model(features=x, labels=y)
                (out["loss"] / a.gradient_accumulation_steps).backward()
                losses.append(out["loss"].item())
                if (i + 1) % a.gradient_accumulation_steps == 0 or i + 1 == len(loader):
                    opt.step()
                    sched.step()
                    opt.zero_grad()
            m = self.evaluate()
            print(f"epoch {epoch + 1:2d} loss {np.mean(losses):.4f} | val acc {m['accuracy']:.4f} auc {m['auc']:.4f}")
            if self.stopper(self.model, m["auc"]):
                print("early stopping")
                break
        self.model.load_state_dict(self.stopper.best_state)
        return self.evaluate()

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        logits, labels = [], []
        for x, y in DataLoader(self.eval_ds, batch_size=512):
            logits.append(self.model(features=x)["logits"].numpy())
            labels.append(y.numpy())
        return self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))


if __name__ == "__main__":
    X, y = build_customer_table()
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=21, stratify=y)
    mean, std = X_tr.mean(0), X_tr.std(0)
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
    print(f"columns: {COLUMNS}")
    ds = lambda a, b: TensorDataset(torch.from_numpy(a), torch.from_numpy(b))
    model = FTTransformerForClassification(n_features=X.shape[1])
    metrics = Trainer(model, TrainingArguments(), ds(X_tr, y_tr), ds(X_va, y_va), compute_metrics).train()
    print(f"best model: val accuracy {metrics['accuracy']:.4f}  val auc {metrics['auc']:.4f}")
