"""Toy NER: tag entity tokens in synthetic sentences with a tiny BERT-like token classifier.

Tag set: O, B-PER, I-PER, B-LOC, I-LOC. Person names start with a "title" id, locations
with a "preposition" id; name/place ids come from separate ranges of the vocabulary.
"""
import math
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
PAD, CLS = 0, 1
TITLE_IDS = list(range(2, 5))
PREP_IDS = list(range(5, 8))
NAME_IDS = list(range(8, 28))
PLACE_IDS = list(range(28, 48))
WORD_IDS = list(range(48, 120))
VOCAB = 120
IGNORE = -100


def synth_sentence(rng):
    toks, tags = [], []
    n_chunks = rng.integers(3, 7)
    for _ in range(n_chunks):
        r = rng.random()
        if r < 0.25:
            toks.append(int(rng.choice(TITLE_IDS))); tags.append(0)
            span = rng.integers(1, 3)
            for j in range(span):
                toks.append(int(rng.choice(NAME_IDS))); tags.append(1 if j == 0 else 2)
        elif r < 0.5:
            toks.append(int(rng.choice(PREP_IDS))); tags.append(0)
            span = rng.integers(1, 3)
            for j in range(span):
                toks.append(int(rng.choice(PLACE_IDS))); tags.append(3 if j == 0 else 4)
        else:
            for _ in range(rng.integers(1, 4)):
                toks.append(int(rng.choice(WORD_IDS))); tags.append(0)
    return toks, tags


def make_split(n, seed):
    rng = np.random.default_rng(seed)
    return [dict(zip(("tokens", "tags"), synth_sentence(rng))) for _ in range(n)]


class DataCollatorForTokenClassification:
    def __call__(self, feats: List[dict]):
        L = 1 + max(len(f["tokens"]) for f in feats)
        input_ids = torch.full((len(feats), L), PAD, dtype=torch.long)
        labels = torch.full((len(feats), L), IGNORE, dtype=torch.long)
        attention_mask = torch.zeros((len(feats), L), dtype=torch.long)
        for i, f in enumerate(feats):
            n = len(f["tokens"]) + 1
            input_ids[i, :n] = torch.tensor([CLS] + f["tokens"])
            labels[i, 1:n] = torch.tensor(f["tags"])
            attention_mask[i, :n] = 1
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


@dataclass
class TokenClassifierOutput:
    loss: torch.Tensor
    logits: torch.Tensor


class TinyBertForTokenClassification(nn.Module):
    def __init__(self, vocab=VOCAB, hidden=48, layers=2, heads=4, max_len=40, num_labels=len(LABELS)):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden, padding_idx=PAD)
        self.position_embeddings = nn.Embedding(max_len, hidden)
        self.ln = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(0.1)
        enc_layer = nn.TransformerEncoderLayer(hidden, heads, 2 * hidden, 0.1, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(hidden, num_labels)
        self.loss_fct = nn.CrossEntropyLoss(ignore_index=IGNORE)

    def forward(self, input_ids, attention_mask, labels=None):
        positions = torch.arange(input_ids.shape[1]).expand_as(input_ids)
        x = self.drop(self.ln(self.word_embeddings(input_ids) + self.position_embeddings(positions)))
        x = self.encoder(x, src_key_padding_mask=attention_mask.eq(0))
        logits = self.classifier(x)
        loss = None
        if labels is not None:
            loss = self.loss_fct(logits.view(-1, logits.size(-1)), labels.view(-1))
        return TokenClassifierOutput(loss=loss, logits=logits)


@dataclass
class TrainingArguments:
    num_train_epochs: int = 14
    per_device_train_batch_size: int = 16
    gradient_accumulation_steps: int = 2
    learning_rate: float = 3e-3
    weight_decay: float = 0.01
    warmup_steps: int = 15
    min_lr_ratio: float = 0.0
    seed: int = 5


def cosine_with_warmup(step, warmup, total, floor):
    if step < warmup:
        return (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, p)))


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = logits.argmax(-1)
    keep = labels != IGNORE
    p, l = preds[keep], labels[keep]
    ent = l != 0
    tp = ((p == l) & ent).sum()
    pred_ent = (p != 0).sum()
    precision = tp / max(1, pred_ent)
    recall = tp / max(1, ent.sum())
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"token_accuracy": float((p == l).mean()), "entity_f1": float(f1)}


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, data_collator, compute_metrics):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.data_collator, self.compute_metrics = data_collator, compute_metrics

    def train(self):
        args = self.args
        dl = DataLoader(self.train_dataset, batch_size=args.per_device_train_batch_size, shuffle=True,
                        collate_fn=self.data_collator, generator=torch.Generator().manual_seed(args.seed))
        total = math.ceil(len(dl) / args.gradient_accumulation_steps) * args.num_train_epochs
        no_decay = ("bias", "ln.", "norm")
        groups = [
            {"params": [p for n, p in self.model.named_parameters() if not any(k in n for k in no_decay)],
             "weight_decay": args.weight_decay},
            {"params": [p for n, p in self.model.named_parameters() if any(k in n for k in no_decay)],
             "weight_decay": 0.0},
        ]
        optimizer = torch.optim.AdamW(groups, lr=args.learning_rate)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: cosine_with_warmup(s, args.warmup_steps, total, args.min_lr_ratio))
        for epoch in range(args.num_train_epochs):
            self.model.train()
            tr = []
            for step, batch in enumerate(dl):
                out = self.model(**batch)
                (out.loss / args.gradient_accumulation_steps).backward()
                tr.append(out.loss.item())
                if (step + 1) % args.gradient_accumulation_steps == 0 or step + 1 == len(dl):
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
            ev = self.evaluate()
            print(f"Epoch {epoch + 1}/{args.num_train_epochs} - loss: {np.mean(tr):.4f} - "
                  f"eval_loss: {ev['eval_loss']:.4f} - eval_token_acc: {ev['eval_token_accuracy']:.4f} - "
                  f"eval_entity_f1: {ev['eval_entity_f1']:.4f} - lr: {scheduler.get_last_lr()[0]:.2e}")
        return ev

    def evaluate(self):
        self.model.eval()
        dl = DataLoader(self.eval_dataset, batch_size=128, collate_fn=self.data_collator)
        all_logits, all_labels, losses = [], [], []
        with torch.no_grad():
            for batch in dl:
                out = self.model(**batch)
                losses.append(out.loss.item())
                all_logits += list(out.logits.reshape(-1, out.logits.size(-1)).numpy())
                all_labels += list(batch["labels"].reshape(-1).numpy())
        m = self.compute_metrics((np.stack(all_logits), np.array(all_labels)))
        return {"eval_loss": float(np.mean(losses)), **{f"eval_{k}": v for k, v in m.items()}}


def main():
    args = TrainingArguments()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    train_ds, eval_ds = make_split(600, seed=100), make_split(200, seed=200)
    model = TinyBertForTokenClassification()
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    res = Trainer(model, args, train_ds, eval_ds, DataCollatorForTokenClassification(), compute_metrics).train()
    print(f"eval entity F1 = {res['eval_entity_f1']:.4f}, token accuracy = {res['eval_token_accuracy']:.4f}")


if __name__ == "__main__":
    main()
