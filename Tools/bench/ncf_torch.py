#!/usr/bin/env python3
"""PyTorch reference of Marquee's NeuMF, for Tools/bench/ncf.sh.

The same model, objective and training procedure as Sources/Models/NeuralCF*.swift:
- dense ids = ascending MovieLens ids of the training ratings; positives = rating >= 4;
- GMF (factors) + MLP (layers[0]/2-wide embeddings, ReLU tower layers[1:]) -> one output layer (logit);
- init: embeddings N(0, 0.01^2), tower Glorot-uniform, output LeCun-uniform, biases 0;
- each epoch: every positive + `negatives` items drawn uniformly among those the user never rated in
  training, shuffled; mini-batches; mean binary cross-entropy with logits;
- Adam (lr, betas 0.9/0.999, eps 1e-8): SparseAdam on the (sparse) embeddings, which updates only rows
  looked up in the batch, Adam on the dense layers; no L2 (regularization 0 on both sides).
  --optimizer dense (timing only, not Marquee's update): dense embeddings and one plain Adam over every
  parameter, the usual few-line PyTorch set-up, to show which of PyTorch's two ways is faster.
Writes the scores of the test users over all items (float32 .npy, test-file user order, dense item
order) and prints one JSON line with per-epoch seconds and losses.

usage: ncf_torch.py TRAIN_DIR TEST_CSV OUT_NPY [--epochs 10] [--batch-size 256] [--lr 0.001]
       [--negatives 4] [--factors 8] [--layers 64,32,16,8] [--seed 1] [--threads 2]
"""
import argparse, json, time
import numpy as np
import pandas as pd
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("train"); p.add_argument("test"); p.add_argument("out")
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--batch-size", type=int, default=256)
p.add_argument("--lr", type=float, default=0.001)
p.add_argument("--negatives", type=int, default=4)
p.add_argument("--factors", type=int, default=8)
p.add_argument("--layers", default="64,32,16,8")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--model", default="neumf", choices=["gmf", "mlp", "neumf"])
p.add_argument("--optimizer", choices=["sparse", "dense"], default="sparse",
               help="sparse: SparseAdam on embeddings + Adam on layers (Marquee's maths); dense: one Adam on all")
p.add_argument("--max-steps", type=int, default=0, help="time only this many steps per epoch and extrapolate (0: full epochs)")
p.add_argument("--no-scores", action="store_true", help="skip writing the test scores")
p.add_argument("--from-dump", default="", help="start from Marquee's initial weights and train on its samples, from a "
               "MARQUEE_NCF_DUMP folder of Tests/ModelsTests/NeuralCFTorchStepDump.swift (same seed and data)")
p.add_argument("--dump-init-only", action="store_true", help="with --from-dump: take only the initial weights, sample as usual")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
rng = np.random.default_rng(a.seed)
layers = [int(x) for x in a.layers.split(",")]
SPARSE = a.optimizer == "sparse"

r = pd.read_csv(a.train + "/ratings.csv")
user_ids = np.sort(r.userId.unique()); item_ids = np.sort(r.movieId.unique())
U, I = len(user_ids), len(item_ids)
ru = np.searchsorted(user_ids, r.userId.values); ri = np.searchsorted(item_ids, r.movieId.values)
rated_keys = np.sort(ru.astype(np.int64) * I + ri)
pos = r.rating.values >= 4.0
pu = ru[pos].astype(np.int64); pi = ri[pos].astype(np.int64)


class NeuMF(nn.Module):
    def __init__(self):
        super().__init__()
        self.gmf = a.model != "mlp"; self.mlp = a.model != "gmf"
        fan_in = 0
        if self.gmf:
            self.gu = nn.Embedding(U, a.factors, sparse=SPARSE); self.gi = nn.Embedding(I, a.factors, sparse=SPARSE)
            nn.init.normal_(self.gu.weight, std=0.01); nn.init.normal_(self.gi.weight, std=0.01)
            fan_in += a.factors
        if self.mlp:
            e = layers[0] // 2
            self.mu = nn.Embedding(U, e, sparse=SPARSE); self.mi = nn.Embedding(I, e, sparse=SPARSE)
            nn.init.normal_(self.mu.weight, std=0.01); nn.init.normal_(self.mi.weight, std=0.01)
            tower = []
            for din, dout in zip(layers[:-1], layers[1:]):
                lin = nn.Linear(din, dout); nn.init.xavier_uniform_(lin.weight); nn.init.zeros_(lin.bias)
                tower += [lin, nn.ReLU()]
            self.tower = nn.Sequential(*tower)
            fan_in += layers[-1]
        self.out = nn.Linear(fan_in, 1)
        bound = (3.0 / fan_in) ** 0.5
        nn.init.uniform_(self.out.weight, -bound, bound); nn.init.zeros_(self.out.bias)

    def forward(self, u, i):
        parts = []
        if self.gmf: parts.append(self.gu(u) * self.gi(i))
        if self.mlp: parts.append(self.tower(torch.cat([self.mu(u), self.mi(i)], dim=1)))
        return self.out(torch.cat(parts, dim=1) if len(parts) > 1 else parts[0]).squeeze(1)


model = NeuMF()
if a.from_dump:   # Marquee's initial weights (the layout of NeuralCF.dense), to isolate the random draws
    def dumped(name): return torch.from_numpy(np.fromfile(f"{a.from_dump}/init_{name}.f32", dtype=np.float32))
    assert a.model == "neumf" and open(f"{a.from_dump}/shape.txt").read().split() == [str(U), str(I)]
    with torch.no_grad():
        for name, emb in [("gmf_user", model.gu), ("gmf_item", model.gi), ("mlp_user", model.mu), ("mlp_item", model.mi)]:
            emb.weight.copy_(dumped(name).reshape(emb.weight.shape))
        dense, at = dumped("dense"), 0
        for t in [m for m in model.tower if isinstance(m, nn.Linear)] + [model.out]:
            for w in (t.weight, t.bias):
                w.copy_(dense[at:at + w.numel()].reshape(w.shape)); at += w.numel()
        assert at == len(dense)
sparse = [p_ for n, p_ in model.named_parameters() if n in ("gu.weight", "gi.weight", "mu.weight", "mi.weight")]
dense = [p_ for n, p_ in model.named_parameters() if n not in ("gu.weight", "gi.weight", "mu.weight", "mi.weight")]
if SPARSE:
    optimizers = [torch.optim.SparseAdam(sparse, lr=a.lr), torch.optim.Adam(dense, lr=a.lr)]
else:
    optimizers = [torch.optim.Adam(sparse + dense, lr=a.lr)]
loss_fn = nn.BCEWithLogitsLoss()


def epoch_samples():
    n = len(pu) * a.negatives
    nu = np.repeat(pu, a.negatives)
    nj = rng.integers(0, I, size=n)
    bad = np.ones(n, dtype=bool)
    while bad.any():
        idx = np.nonzero(bad)[0]
        nj[idx] = rng.integers(0, I, size=len(idx))
        keys = nu[idx] * I + nj[idx]
        k = np.searchsorted(rated_keys, keys)
        k[k >= len(rated_keys)] = 0
        bad[idx] = rated_keys[k] == keys
    users = np.concatenate([pu, nu]); items = np.concatenate([pi, nj])
    labels = np.concatenate([np.ones(len(pu), np.float32), np.zeros(n, np.float32)])
    perm = rng.permutation(len(users))
    return torch.from_numpy(users[perm]), torch.from_numpy(items[perm]), torch.from_numpy(labels[perm])


def dumped_samples(epoch):
    def load(name, dtype): return torch.from_numpy(np.fromfile(f"{a.from_dump}/epoch{epoch}_{name}", dtype=dtype).astype(
        np.int64 if dtype == np.int32 else np.float32))
    return load("users.i32", np.int32), load("items.i32", np.int32), load("labels.f32", np.float32)


epochs = []
for epoch in range(a.epochs):
    t0 = time.perf_counter()
    users, items, labels = dumped_samples(epoch + 1) if a.from_dump and not a.dump_init_only else epoch_samples()
    sampling = time.perf_counter() - t0
    total = 0.0
    model.train()
    steps = (len(users) + a.batch_size - 1) // a.batch_size
    done = 0
    t1 = time.perf_counter()
    for s in range(0, len(users), a.batch_size):
        if a.max_steps and done == a.max_steps: break
        done += 1
        u, i, y = users[s:s + a.batch_size], items[s:s + a.batch_size], labels[s:s + a.batch_size]
        for o in optimizers: o.zero_grad()
        loss = loss_fn(model(u, i), y)
        loss.backward()
        for o in optimizers: o.step()
        total += loss.item() * len(u)
    stepping = time.perf_counter() - t1
    seconds = sampling + stepping * steps / done
    epochs.append({"epoch": epoch + 1, "loss": total / min(len(users), done * a.batch_size), "seconds": seconds,
                   "sampling_seconds": sampling, "steps_timed": done, "steps": steps})

if a.no_scores:
    print(json.dumps({"epochs": epochs})); raise SystemExit
test = pd.read_csv(a.test)
tu = np.searchsorted(user_ids, test.userId.values)
model.eval()
scores = np.zeros((len(tu), I), dtype=np.float32)
with torch.no_grad():
    all_items = torch.arange(I)
    for row, u in enumerate(tu):
        scores[row] = model(torch.full((I,), int(u), dtype=torch.long), all_items).numpy()
np.save(a.out, scores)
print(json.dumps({"epochs": epochs}))
