import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

# Candidate <-> job-posting matching: id embeddings + a few dense profile features.
torch.manual_seed(13)
rs = np.random.RandomState(13)

N_CAND, N_JOBS, D = 500, 300, 6
cand_lat = rs.randn(N_CAND, D)
job_lat = rs.randn(N_JOBS, D)
cand_feat = (cand_lat[:, :3] + 1.0 * rs.randn(N_CAND, 3)).astype(np.float32)
job_feat = (job_lat[:, :3] + 1.0 * rs.randn(N_JOBS, 3)).astype(np.float32)

M = 30000
c_idx = rs.randint(0, N_CAND, M)
j_idx = rs.randint(0, N_JOBS, M)
match_logit = (cand_lat[c_idx] * job_lat[j_idx]).sum(1) / np.sqrt(D) * 3.0
applied = (rs.rand(M) < 1 / (1 + np.exp(-match_logit))).astype(np.float32)

perm = rs.permutation(M)
tr, va = perm[:24000], perm[24000:]
T = lambda a, r: torch.from_numpy(a[r])


class Matcher(nn.Module):
    """Candidate and job towers are id embeddings; dense profile features add a bilinear term."""

    def __init__(self, dim=8):
        super().__init__()
        self.cand_emb = nn.Embedding(N_CAND, dim)
        self.job_emb = nn.Embedding(N_JOBS, dim)
        nn.init.normal_(self.cand_emb.weight, std=0.1)
        nn.init.normal_(self.job_emb.weight, std=0.1)
        self.cand_bias = nn.Embedding(N_CAND, 1)
        self.job_bias = nn.Embedding(N_JOBS, 1)
        nn.init.zeros_(self.cand_bias.weight)
        nn.init.zeros_(self.job_bias.weight)
        self.feat_cross = nn.Bilinear(3, 3, 1)
        self.register_buffer("cf", torch.from_numpy(cand_feat))
        self.register_buffer("jf", torch.from_numpy(job_feat))

    def forward(self, c, j):
        dot = (self.cand_emb(c) * self.job_emb(j)).sum(1)
        cross = self.feat_cross(self.cf[c], self.jf[j]).squeeze(1)
        return dot + cross + self.cand_bias(c).squeeze(1) + self.job_bias(j).squeeze(1)


model = Matcher()
embedding_params = [model.cand_emb.weight, model.job_emb.weight]
other_params = [p for n, p in model.named_parameters() if n not in ("cand_emb.weight", "job_emb.weight")]
optimizer = torch.optim.Adam([
    {"params": other_params, "lr": 1e-2},
    {"params": embedding_params, "lr": 3e-5},
], weight_decay=1e-5)

c_tr, j_tr, y_tr = T(c_idx, tr), T(j_idx, tr), T(applied, tr)
c_va, j_va, y_va = T(c_idx, va), T(j_idx, va), T(applied, va)
BS = 256
for ep in range(8):
    model.train()
    order = torch.randperm(len(y_tr))
    run = 0.0
    for s in range(0, len(order), BS):
        b = order[s:s + BS]
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(c_tr[b], j_tr[b]), y_tr[b])
        loss.backward()
        optimizer.step()
        run += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        s_va = model(c_va, j_va)
        vloss = F.binary_cross_entropy_with_logits(s_va, y_va).item()
    auc = roc_auc_score(y_va.numpy(), s_va.numpy())
    print(f"ep {ep:2d} train_bce {run / len(y_tr):.4f} val_bce {vloss:.4f} val_auc {auc:.4f}")

print(f"final val AUC {auc:.4f}")
