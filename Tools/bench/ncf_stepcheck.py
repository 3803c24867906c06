#!/usr/bin/env python3
"""Identical-init step check of Marquee's NeuMF training against PyTorch (the maths, step for step).

Marquee side: `MARQUEE_NCF_DUMP=DIR MARQUEE_NCF_DATA=<train dir> swift test --filter dumpNeuMFStepsForTorch`
writes its seeded initial weights, epoch 1's samples, each step's loss and the weights after some steps
(Tests/ModelsTests/NeuralCFTorchStepDump.swift). This script loads those initial weights into the model
of Tools/bench/ncf_torch.py (same modules: sparse embeddings + SparseAdam, Adam on the dense layers, mean
BCE with logits), takes the same steps on the same batches, and prints, per checkpoint and weight block,
the largest absolute difference and the relative difference ‖Δ‖/‖w‖, next to the same figures for
PyTorch float32 against PyTorch float64 (the size of plain rounding differences after that many steps).

usage: ncf_stepcheck.py DIR [--batch-size 256] [--lr 0.001]
"""
import argparse, json
import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("dir"); p.add_argument("--batch-size", type=int, default=256); p.add_argument("--lr", type=float, default=0.001)
a = p.parse_args()
d = a.dir
U, I = map(int, open(f"{d}/shape.txt").read().split())
F, LAYERS = 8, [64, 32, 16, 8]
E = LAYERS[0] // 2
names = ["gmf_user", "gmf_item", "mlp_user", "mlp_item", "dense"]
shapes = {"gmf_user": (U, F), "gmf_item": (I, F), "mlp_user": (U, E), "mlp_item": (I, E)}
def block(prefix, name):
    x = np.fromfile(f"{d}/{prefix}_{name}.f32", dtype=np.float32)
    return x.reshape(shapes[name]) if name in shapes else x
users = torch.from_numpy(np.fromfile(f"{d}/users.i32", dtype=np.int32).astype(np.int64))
items = torch.from_numpy(np.fromfile(f"{d}/items.i32", dtype=np.int32).astype(np.int64))
labels = torch.from_numpy(np.fromfile(f"{d}/labels.f32", dtype=np.float32))
mq_losses = np.fromfile(f"{d}/losses.f64", dtype=np.float64)
checkpoints = [int(x) for x in open(f"{d}/checkpoints.txt").read().split()]


class NeuMF(nn.Module):   # the modules of ncf_torch.py's NeuMF
    def __init__(self):
        super().__init__()
        self.gu = nn.Embedding(U, F, sparse=True); self.gi = nn.Embedding(I, F, sparse=True)
        self.mu = nn.Embedding(U, E, sparse=True); self.mi = nn.Embedding(I, E, sparse=True)
        tower = []
        for din, dout in zip(LAYERS[:-1], LAYERS[1:]): tower += [nn.Linear(din, dout), nn.ReLU()]
        self.tower = nn.Sequential(*tower)
        self.out = nn.Linear(F + LAYERS[-1], 1)

    def forward(self, u, i):
        h = torch.cat([self.gu(u) * self.gi(i), self.tower(torch.cat([self.mu(u), self.mi(i)], dim=1))], dim=1)
        return self.out(h).squeeze(1)

    def load(self, prefix):
        with torch.no_grad():
            for name, emb in zip(names[:4], [self.gu, self.gi, self.mu, self.mi]):
                emb.weight.copy_(torch.from_numpy(block(prefix, name)))
            dense, at = block(prefix, "dense"), 0
            for lin in [m for m in self.tower if isinstance(m, nn.Linear)]:
                n = lin.weight.numel(); lin.weight.copy_(torch.from_numpy(dense[at:at + n].reshape(lin.weight.shape))); at += n
                n = lin.bias.numel(); lin.bias.copy_(torch.from_numpy(dense[at:at + n])); at += n
            n = self.out.weight.numel(); self.out.weight.copy_(torch.from_numpy(dense[at:at + n].reshape(1, -1))); at += n
            self.out.bias.copy_(torch.from_numpy(dense[at:at + 1])); at += 1
            assert at == len(dense)

    def blocks(self):
        dense = []
        for lin in [m for m in self.tower if isinstance(m, nn.Linear)]: dense += [lin.weight.flatten(), lin.bias]
        dense += [self.out.weight.flatten(), self.out.bias]
        return [e.weight.detach().double().clone().numpy() for e in [self.gu, self.gi, self.mu, self.mi]] + \
               [torch.cat(dense).detach().double().numpy()]


class DenseEpsLazyAdam:
    """Lazy Adam on embedding rows with dense Adam's epsilon placement, √v̂ + ε (SparseAdam: (√v + ε)/√(1−β₂ᵗ))."""
    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [torch.zeros_like(q) for q in params]; self.v = [torch.zeros_like(q) for q in params]
    def zero_grad(self):
        for q in self.params: q.grad = None
    @torch.no_grad()
    def step(self):
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for q, m, v in zip(self.params, self.m, self.v):
            g = q.grad.coalesce(); rows = g._indices()[0]; gv = g._values()
            m[rows] = self.b1 * m[rows] + (1 - self.b1) * gv
            v[rows] = self.b2 * v[rows] + (1 - self.b2) * gv * gv
            q[rows] -= self.lr / c1 * m[rows] / (v[rows].sqrt() / c2 ** 0.5 + self.eps)


def run(dtype, sparse_optimizer="SparseAdam"):
    torch.manual_seed(0)
    m = NeuMF(); m.load("init"); m.to(dtype)
    sparse = [m.gu.weight, m.gi.weight, m.mu.weight, m.mi.weight]
    dense = [q for n, q in m.named_parameters() if not any(q is s for s in sparse)]
    opt_s = torch.optim.SparseAdam(sparse, lr=a.lr) if sparse_optimizer == "SparseAdam" else DenseEpsLazyAdam(sparse, a.lr)
    opt_d = torch.optim.Adam(dense, lr=a.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    snaps, losses = {}, []
    for step in range(1, checkpoints[-1] + 1):
        lo = (step - 1) * a.batch_size
        u, i, y = users[lo:lo + a.batch_size], items[lo:lo + a.batch_size], labels[lo:lo + a.batch_size].to(dtype)
        opt_s.zero_grad(); opt_d.zero_grad()
        loss = loss_fn(m(u, i), y); loss.backward(); opt_s.step(); opt_d.step()
        losses.append(loss.item())
        if step in checkpoints: snaps[step] = m.blocks()
    return snaps, np.array(losses)


torch.set_num_threads(1)
t32, l32 = run(torch.float32)
t64, l64 = run(torch.float64)
e64, le64 = run(torch.float64, "DenseEpsLazyAdam")
report = []
print("A = Marquee vs PyTorch float64 (SparseAdam); B = PyTorch float32 vs float64 (rounding alone);")
print("C = Marquee vs PyTorch float64 with lazy Adam using dense Adam's epsilon placement")
print(f"{'step':>5} {'block':>9} | {'A':>28} | {'B':>28} | {'C':>28}")
for step in checkpoints:
    mq = [block(f"step{step}", n).astype(np.float64) for n in names]
    for k, name in enumerate(names):
        ref = t64[step][k]
        def diff(x, ref=ref): return float(np.abs(x - ref).max()), float(np.linalg.norm(x - ref) / np.linalg.norm(ref))
        dm, dt, de = diff(mq[k]), diff(t32[step][k]), diff(mq[k], e64[step][k])
        print(f"{step:>5} {name:>9} | max {dm[0]:.2e} rel {dm[1]:.2e} | max {dt[0]:.2e} rel {dt[1]:.2e} | max {de[0]:.2e} rel {de[1]:.2e}")
        report.append({"step": step, "block": name, "marquee_max": dm[0], "marquee_rel": dm[1], "torch32_max": dt[0],
                       "torch32_rel": dt[1], "dense_eps_max": de[0], "dense_eps_rel": de[1]})
n = len(l64)
for lo, hi in [(0, 10), (0, 100), (0, n)]:
    print(f"mean loss steps {lo + 1}-{hi}: marquee {mq_losses[lo:hi].mean():.6f}, torch32 {l32[lo:hi].mean():.6f}, "
          f"torch64 {l64[lo:hi].mean():.6f}, torch64 dense-eps lazy Adam {le64[lo:hi].mean():.6f}")
print(f"largest per-step loss difference, marquee vs torch64: {np.abs(mq_losses[:n] - l64).max():.2e}; torch32 vs torch64: {np.abs(l32 - l64).max():.2e}")
json.dump(report, open(f"{d}/stepcheck.json", "w"))
