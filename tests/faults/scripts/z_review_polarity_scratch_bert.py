"""
Review polarity with a from-scratch mini encoder (own attention, own FFN, pre-LN).
Synthetic reviews: positive and negative opinion words in a sea of neutral words;
the label is whichever polarity occurs more often.
"""
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

SEED = 2024
PAD, CLS = 0, 1
POS_WORDS = list(range(2, 12))
NEG_WORDS = list(range(12, 22))
NEUTRAL = list(range(22, 100))
VOCAB = 100


def make_reviews(n, rng):
    data = []
    while len(data) < n:
        n_pos, n_neg = rng.integers(0, 5), rng.integers(0, 5)
        if n_pos == n_neg:
            continue
        words = list(rng.choice(POS_WORDS, n_pos)) + list(rng.choice(NEG_WORDS, n_neg))
        words += list(rng.choice(NEUTRAL, rng.integers(4, 16)))
        rng.shuffle(words)
        data.append({"input_ids": [CLS] + [int(w) for w in words], "label": int(n_pos > n_neg)})
    return data


def collate(batch, pad_to_multiple_of=4):
    L = max(len(b["input_ids"]) for b in batch)
    L = int(math.ceil(L / pad_to_multiple_of) * pad_to_multiple_of)
    ids = torch.full((len(batch), L), PAD)
    mask = torch.zeros(len(batch), L, dtype=torch.bool)
    for i, b in enumerate(batch):
        ids[i, : len(b["input_ids"])] = torch.tensor(b["input_ids"])
        mask[i, : len(b["input_ids"])] = True
    return {"input_ids": ids, "attention_mask": mask, "labels": torch.tensor([b["label"] for b in batch])}


class SelfAttention(nn.Module):
    def __init__(self, d, h, p):
        super().__init__()
        self.h, self.dk = h, d // h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x, mask):
        B, T, D = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.h, self.dk).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
        att = self.drop(scores.softmax(-1))
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, d, h, p):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = SelfAttention(d, h, p)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d), nn.Dropout(p))

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask)
        return x + self.mlp(self.ln2(x))


@dataclass
class ModelConfig:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    max_len: int = 32
    num_labels: int = 2


class MiniBertClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, cfg.d_model, padding_idx=PAD)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg.d_model, cfg.n_heads, cfg.dropout) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.cls_head = nn.Linear(cfg.d_model, cfg.num_labels)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask, labels=None):
        x = self.emb(input_ids) + self.pos(torch.arange(input_ids.size(1)))
        for blk in self.blocks:
            x = blk(x, attention_mask)
        x = self.ln_f(x)
        m = attention_mask.unsqueeze(-1).float()
        logits = self.cls_head((x * m).sum(1) / m.sum(1))
        return {"loss": F.cross_entropy(logits, labels) if labels is not None else None, "logits": logits}


@dataclass
class TrainingArguments:
    num_train_epochs: int = 10
    per_device_train_batch_size: int = 8
    gradient_accumulation_steps: int = 4
    learning_rate: float = 3e-3
    weight_decay: float = 0.01
    warmup_steps: int = 10
    early_stopping_patience: int = 3


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    preds = logits.argmax(-1)
    tp = ((preds == 1) & (labels == 1)).sum()
    prec = tp / max(1, (preds == 1).sum())
    rec = tp / max(1, (labels == 1).sum())
    return {"accuracy": float((preds == labels).mean()), "f1": float(2 * prec * rec / max(1e-9, prec + rec))}


class Trainer:
    def __init__(self, model, args, train_dataset, eval_dataset, data_collator, compute_metrics):
        self.model, self.args = model, args
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.data_collator, self.compute_metrics = data_collator, compute_metrics

    def train(self):
        a = self.args
        dl = DataLoader(self.train_dataset, a.per_device_train_batch_size, shuffle=True,
                        collate_fn=self.data_collator, generator=torch.Generator().manual_seed(SEED))
        total = a.num_train_epochs * math.ceil(len(dl) / a.gradient_accumulation_steps)
        opt = torch.optim.AdamW(self.model.parameters(), lr=a.learning_rate, weight_decay=a.weight_decay,
                                betas=(0.9, 0.98))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / a.warmup_steps, max(0.0, (total - s) / (total - a.warmup_steps))))
        best, bad, best_state = float("inf"), 0, None
        for epoch in range(a.num_train_epochs):
            self.model.train()
            opt.zero_grad()
            tot = 0.0
            for i, batch in enumerate(dl):
                out = self.model(**batch)
                (out["loss"] / a.gradient_accumulation_steps).backward()
                tot += out["loss"].item()
                if (i + 1) % a.gradient_accumulation_steps == 0 or i == len(dl) - 1:
                    nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                    opt.step()
                    sched.step()
                    opt.zero_grad()
            ev = self.evaluate()
            print(f"{{'epoch': {epoch + 1}, 'loss': {tot / len(dl):.4f}, 'eval_loss': {ev['eval_loss']:.4f}, "
                  f"'eval_accuracy': {ev['eval_accuracy']:.4f}, 'eval_f1': {ev['eval_f1']:.4f}}}")
            if ev["eval_loss"] < best - 1e-3:
                best, bad = ev["eval_loss"], 0
                best_state = {k: v.clone() for k, v in self.model.state_dict().items()}
            else:
                bad += 1
                if bad >= a.early_stopping_patience:
                    print("early stopping triggered")
                    break
        self.model.load_state_dict(best_state)
        return self.evaluate()

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        logits, labels, losses = [], [], []
        for batch in DataLoader(self.eval_dataset, 100, collate_fn=self.data_collator):
            out = self.model(**batch)
            losses.append(out["loss"].item())
            logits.append(out["logits"].numpy())
            labels.append(batch["labels"].numpy())
        m = self.compute_metrics((np.concatenate(logits), np.concatenate(labels)))
        return {"eval_loss": float(np.mean(losses)), **{f"eval_{k}": v for k, v in m.items()}}


if __name__ == "__main__":
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    rng = np.random.default_rng(SEED)
    reviews = make_reviews(1000, rng)
    train_set, eval_set = reviews[:800], reviews[800:]
    model = MiniBertClassifier(ModelConfig())
    result = Trainer(model, TrainingArguments(), train_set, eval_set, collate, compute_metrics).train()
    print(f"best checkpoint -> eval_accuracy {result['eval_accuracy']:.4f}  eval_f1 {result['eval_f1']:.4f}")
