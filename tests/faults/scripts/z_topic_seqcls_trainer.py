"""Tiny BERT-style sequence classifier on synthetic "topic" token data.

Trainer / TrainingArguments / callbacks written from scratch in the HF spirit.
"""
import math
import random
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

PAD_ID, CLS_ID = 0, 1
VOCAB_SIZE = 64
NUM_LABELS = 4


def set_seed(seed: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)


# ----------------------------------------------------------------------------- data
def build_corpus(n: int, rng: np.random.Generator):
    """Each topic owns 6 keyword ids; a sequence mixes filler ids with a few keywords."""
    keywords = {k: np.arange(2 + 6 * k, 2 + 6 * (k + 1)) for k in range(NUM_LABELS)}
    filler = np.arange(2 + 6 * NUM_LABELS, VOCAB_SIZE)
    examples = []
    for _ in range(n):
        label = int(rng.integers(NUM_LABELS))
        length = int(rng.integers(8, 25))
        toks = rng.choice(filler, size=length)
        n_kw = int(rng.integers(2, 5))
        pos = rng.choice(length, size=n_kw, replace=False)
        toks[pos] = rng.choice(keywords[label], size=n_kw)
        # a little noise: one keyword of another topic
        if rng.random() < 0.5:
            other = int(rng.integers(NUM_LABELS))
            toks[int(rng.integers(length))] = rng.choice(keywords[other])
        examples.append({"input_ids": [CLS_ID] + toks.tolist(), "label": label})
    return examples


class ListDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class DataCollatorWithPadding:
    def __init__(self, pad_id: int = PAD_ID):
        self.pad_id = pad_id

    def __call__(self, features: List[Dict]):
        max_len = max(len(f["input_ids"]) for f in features)
        ids = torch.full((len(features), max_len), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(features), max_len), dtype=torch.long)
        for i, f in enumerate(features):
            n = len(f["input_ids"])
            ids[i, :n] = torch.tensor(f["input_ids"])
            mask[i, :n] = 1
        labels = torch.tensor([f["label"] for f in features], dtype=torch.long)
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}


# ----------------------------------------------------------------------------- model
@dataclass
class EncoderConfig:
    vocab_size: int = VOCAB_SIZE
    hidden_size: int = 32
    num_layers: int = 2
    num_heads: int = 4
    ffn_size: int = 64
    max_position: int = 32
    dropout: float = 0.1
    num_labels: int = NUM_LABELS
    initializer_range: float = 0.02


@dataclass
class SequenceClassifierOutput:
    loss: Optional[torch.Tensor]
    logits: torch.Tensor


class TinyBertForSequenceClassification(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.hidden_size, padding_idx=PAD_ID)
        self.pos_emb = nn.Embedding(cfg.max_position, cfg.hidden_size)
        self.emb_norm = nn.LayerNorm(cfg.hidden_size)
        layer = nn.TransformerEncoderLayer(
            cfg.hidden_size, cfg.num_heads, cfg.ffn_size, cfg.dropout,
            activation="gelu", batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.num_layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.dropout)
        self.classifier = nn.Linear(cfg.hidden_size, cfg.num_labels)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, self.cfg.initializer_range)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, self.cfg.initializer_range)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()

    def forward(self, input_ids, attention_mask, labels=None):
        pos = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        h = self.emb_norm(self.tok_emb(input_ids) + self.pos_emb(pos))
        h = self.encoder(h, src_key_padding_mask=attention_mask == 0)
        pooled = torch.tanh(self.pooler(h[:, 0]))
        logits = self.classifier(self.dropout(pooled))
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


# ----------------------------------------------------------------------------- trainer
@dataclass
class TrainingArguments:
    output_dir: str = "/tmp/tiny_bert_topic"
    num_train_epochs: int = 8
    per_device_train_batch_size: int = 16
    per_device_eval_batch_size: int = 64
    gradient_accumulation_steps: int = 2
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    logging_steps: int = 20
    seed: int = 42


class TrainerCallback:
    def on_epoch_end(self, args, state, metrics): ...


class EarlyStoppingCallback(TrainerCallback):
    def __init__(self, patience: int = 3, metric: str = "eval_accuracy"):
        self.patience, self.metric = patience, metric
        self.best, self.bad = -math.inf, 0

    def on_epoch_end(self, args, state, metrics):
        if metrics[self.metric] > self.best + 1e-4:
            self.best, self.bad = metrics[self.metric], 0
        else:
            self.bad += 1
            if self.bad >= self.patience:
                print(f"  early stopping: no improvement for {self.patience} epochs")
                state["should_stop"] = True


def get_linear_schedule_with_warmup(optimizer, warmup_steps, total_steps):
    def lr_lambda(step):
        if step < warmup_steps:
            return float(step + 1) / float(max(1, warmup_steps))
        return max(0.0, float(total_steps - step) / float(max(1, total_steps - warmup_steps)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = logits.argmax(-1)
    return {"accuracy": float((preds == labels).mean())}


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, data_collator,
                 compute_metrics=None, callbacks=None):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.collator = data_collator
        self.compute_metrics = compute_metrics
        self.callbacks = callbacks or []
        self.state = {"global_step": 0, "should_stop": False}

    def create_optimizer_and_scheduler(self, num_update_steps):
        decay, no_decay = [], []
        for n, p in self.model.named_parameters():
            (no_decay if p.ndim < 2 or "norm" in n else decay).append(p)
        self.optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.args.weight_decay},
             {"params": no_decay, "weight_decay": 0.0}],
            lr=self.args.learning_rate,
        )
        warmup = int(self.args.warmup_ratio * num_update_steps)
        self.lr_scheduler = get_linear_schedule_with_warmup(self.optimizer, warmup, num_update_steps)

    def get_train_dataloader(self):
        g = torch.Generator().manual_seed(self.args.seed)
        return DataLoader(self.train_dataset, batch_size=self.args.per_device_train_batch_size,
                          shuffle=True, collate_fn=self.collator, generator=g)

    def get_eval_dataloader(self):
        return DataLoader(self.eval_dataset, batch_size=self.args.per_device_eval_batch_size,
                          shuffle=False, collate_fn=self.collator)

    def evaluate(self):
        self.model.eval()
        all_logits, all_labels, losses = [], [], []
        with torch.no_grad():
            for batch in self.get_eval_dataloader():
                out = self.model(**batch)
                losses.append(out.loss.item())
                all_logits.append(out.logits.numpy())
                all_labels.append(batch["labels"].numpy())
        metrics = self.compute_metrics((np.concatenate(all_logits), np.concatenate(all_labels)))
        metrics = {f"eval_{k}": v for k, v in metrics.items()}
        metrics["eval_loss"] = float(np.mean(losses))
        return metrics

    def train(self):
        args = self.args
        train_dl = self.get_train_dataloader()
        steps_per_epoch = math.ceil(len(train_dl) / args.gradient_accumulation_steps)
        self.create_optimizer_and_scheduler(steps_per_epoch * args.num_train_epochs)
        for epoch in range(args.num_train_epochs):
            self.model.train()
            running, n_batches = 0.0, 0
            self.optimizer.zero_grad()
            for step, batch in enumerate(train_dl):
                out = self.model(**batch)
                loss = out.loss / args.gradient_accumulation_steps
                loss.backward()
                running += out.loss.item()
                n_batches += 1
                last = step + 1 == len(train_dl)
                if (step + 1) % args.gradient_accumulation_steps == 0 or last:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), args.max_grad_norm)
                    self.optimizer.step()
                    self.lr_scheduler.step()
                    self.optimizer.zero_grad()
                    self.state["global_step"] += 1
            metrics = self.evaluate()
            lr = self.lr_scheduler.get_last_lr()[0]
            print(f"epoch {epoch + 1:2d} | train_loss {running / n_batches:.4f} | "
                  f"eval_loss {metrics['eval_loss']:.4f} | eval_acc {metrics['eval_accuracy']:.4f} | lr {lr:.2e}")
            for cb in self.callbacks:
                cb.on_epoch_end(args, self.state, metrics)
            if self.state["should_stop"]:
                break
        return metrics


def main():
    args = TrainingArguments()
    set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    corpus = build_corpus(1100, rng)
    train_rows, eval_rows = corpus[:800], corpus[800:]
    model = TinyBertForSequenceClassification(EncoderConfig())
    trainer = Trainer(model, args, ListDataset(train_rows), ListDataset(eval_rows),
                      DataCollatorWithPadding(), compute_metrics=compute_metrics,
                      callbacks=[EarlyStoppingCallback(patience=3)])
    final = trainer.train()
    print(f"***** eval results *****  accuracy = {final['eval_accuracy']:.4f}  loss = {final['eval_loss']:.4f}")


if __name__ == "__main__":
    main()
