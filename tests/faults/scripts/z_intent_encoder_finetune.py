# intent classification with a small transformer encoder, HF-trainer-ish loop
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

torch.manual_seed(7)
np.random.seed(7)
torch.set_num_threads(1)

N_INTENTS = 5
VOCAB = 80
PAD = 0
CLS = 1
SLOT_TOKENS = 5  # intent-specific ids per intent


@dataclass
class TrainingArguments:
    epochs: int = 8
    train_batch_size: int = 32
    eval_batch_size: int = 128
    grad_accum: int = 2
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup_steps: int = 8
    max_grad_norm: float = 1.0
    log_every: int = 10


def make_utterances(intent, n, rng):
    """Utterances for one intent; intents share a good part of their key tokens."""
    base = 2 + intent * 3  # overlapping windows of ids between neighbouring intents
    own = np.arange(base, base + SLOT_TOKENS)
    common = np.arange(2 + 3 * N_INTENTS + SLOT_TOKENS, VOCAB)
    out = []
    for _ in range(n):
        L = rng.integers(6, 21)
        ids = rng.choice(common, size=L)
        k = rng.integers(2, 5)
        where = rng.choice(L, size=k, replace=False)
        ids[where] = rng.choice(own, size=k)
        out.append({"input_ids": [CLS] + ids.tolist(), "labels": intent})
    return out


def load_splits(rng, per_intent=200, eval_frac=0.2):
    train, dev = [], []
    for intent in range(N_INTENTS):
        rows = make_utterances(intent, per_intent, rng)
        cut = int(len(rows) * (1 - eval_frac))
        train += rows[:cut]
        dev += rows[cut:]
    return train, dev


def pad_collate(batch):
    longest = max(len(b["input_ids"]) for b in batch)
    input_ids = torch.full((len(batch), longest), PAD, dtype=torch.long)
    attention_mask = torch.zeros_like(input_ids)
    for i, b in enumerate(batch):
        input_ids[i, : len(b["input_ids"])] = torch.tensor(b["input_ids"])
        attention_mask[i, : len(b["input_ids"])] = 1
    return {
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "labels": torch.tensor([b["labels"] for b in batch]),
    }


class IntentEncoder(nn.Module):
    def __init__(self, vocab=VOCAB, d=32, heads=4, layers=2, n_labels=N_INTENTS, max_len=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, d, padding_idx=PAD)
        self.position = nn.Parameter(torch.zeros(1, max_len, d))
        nn.init.normal_(self.position, std=0.02)
        block = nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, dropout=0.1,
                                           batch_first=True, norm_first=True)
        self.body = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, n_labels)
        self.loss_fct = nn.CrossEntropyLoss()

    def forward(self, input_ids=None, attention_mask=None, labels=None):
        x = self.embed(input_ids) + self.position[:, : input_ids.size(1)]
        x = self.body(x, src_key_padding_mask=~attention_mask.bool())
        # masked mean pooling
        m = attention_mask.unsqueeze(-1).float()
        pooled = self.norm((x * m).sum(1) / m.sum(1))
        logits = self.head(pooled)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fct(logits, labels)
        return out


def warmup_then_linear(step, warmup, total):
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = np.argmax(logits, axis=-1)
    acc = (preds == labels).mean()
    per_class = [float((preds[labels == c] == c).mean()) for c in range(N_INTENTS)]
    return {"accuracy": float(acc), "macro_recall": float(np.mean(per_class))}


class PrinterCallback:
    def on_log(self, logs):
        print("  " + " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, data_collator, compute_metrics, callbacks=()):
        self.model = model
        self.args = args
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset
        self.data_collator = data_collator
        self.compute_metrics = compute_metrics
        self.callbacks = list(callbacks)

    def log(self, logs):
        for cb in self.callbacks:
            cb.on_log(logs)

    def train(self):
        a = self.args
        loader = DataLoader(self.train_dataset, batch_size=a.train_batch_size,
                            shuffle=False, collate_fn=self.data_collator)
        updates_per_epoch = math.ceil(len(loader) / a.grad_accum)
        total = updates_per_epoch * a.epochs
        opt = torch.optim.AdamW(self.model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: warmup_then_linear(s, a.warmup_steps, total))
        global_step = 0
        for epoch in range(a.epochs):
            self.model.train()
            epoch_loss = 0.0
            for i, batch in enumerate(loader):
                out = self.model(**batch)
                (out["loss"] / a.grad_accum).backward()
                epoch_loss += out["loss"].item()
                if (i + 1) % a.grad_accum == 0 or i == len(loader) - 1:
                    nn.utils.clip_grad_norm_(self.model.parameters(), a.max_grad_norm)
                    opt.step()
                    sched.step()
                    opt.zero_grad(set_to_none=True)
                    global_step += 1
                    if global_step % a.log_every == 0:
                        self.log({"step": global_step, "loss": out["loss"].item(), "lr": sched.get_last_lr()[0]})
            metrics = self.evaluate()
            print(f"epoch {epoch + 1}: train_loss={epoch_loss / len(loader):.4f} "
                  f"eval_loss={metrics['eval_loss']:.4f} eval_accuracy={metrics['eval_accuracy']:.4f}")
        return metrics

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        loader = DataLoader(self.eval_dataset, batch_size=self.args.eval_batch_size,
                            collate_fn=self.data_collator)
        logits, labels, loss_sum, n = [], [], 0.0, 0
        for batch in loader:
            out = self.model(**batch)
            loss_sum += out["loss"].item() * len(batch["labels"])
            n += len(batch["labels"])
            logits.append(out["logits"].numpy())
            labels.append(batch["labels"].numpy())
        m = self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))
        return {"eval_loss": loss_sum / n, **{f"eval_{k}": v for k, v in m.items()}}


if __name__ == "__main__":
    rng = np.random.default_rng(7)
    train_ds, dev_ds = load_splits(rng)
    print(f"train={len(train_ds)} dev={len(dev_ds)}")
    trainer = Trainer(IntentEncoder(), TrainingArguments(), train_ds, dev_ds, pad_collate,
                      compute_metrics, callbacks=[PrinterCallback()])
    res = trainer.train()
    print(f"final dev accuracy {res['eval_accuracy']:.4f}  macro recall {res['eval_macro_recall']:.4f}")
