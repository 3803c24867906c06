#!/usr/bin/env python3
"""Scores -> metrics, the same way for Marquee and PyTorch (Tools/bench/ncf.sh).

SCORES.npy: test users (test.csv order) x all training items (ascending movieId). Prints JSON:
loo-sampled HR@10 / NDCG@10 (the held-out movie among its 100 sampled negatives, test_negatives.csv)
and full-ranking HR@10 / NDCG@10 (among every movie the user did not rate in training).
Ties count against the held-out movie on both sides.

A split with OUT/users.csv (ncf_split.py --holdout fraction, several held-out movies per user) has rows in
users.csv order and gets the full-ranking metrics of `marquee evaluate` instead: NDCG@10 (binary relevance,
ideal DCG over min(held-out, 10) hits), Recall@10 (hits / min(held-out, 10)), Precision@10, HR@10.

usage: ncf_eval.py SPLIT_DIR SCORES.npy
"""

import json, os, sys
import numpy as np
import pandas as pd

split, path = sys.argv[1], sys.argv[2]
r = pd.read_csv(split + "/train/ratings.csv")
items = np.sort(r.movieId.unique())
test = pd.read_csv(split + "/test.csv")
S = np.load(path)
rated = r.groupby("userId").movieId.apply(lambda s: np.searchsorted(items, s.values))
if os.path.exists(split + "/users.csv"):
    users = pd.read_csv(split + "/users.csv").userId.values
    assert S.shape == (len(users), len(items)), (S.shape, len(users), len(items))
    held = test.groupby("userId").movieId.apply(lambda s: np.searchsorted(items, s.values))
    disc = 1 / np.log2(np.arange(10) + 2)
    nd = rc = pr = hr = 0.0
    for row, u in enumerate(users):
        s = S[row].astype(np.float64).copy()
        s[rated[u]] = -np.inf
        relevant = np.zeros(len(items), dtype=bool); relevant[held[u]] = True
        top = np.lexsort((relevant, -s))[:10]      # by score, and among equal scores held-out movies last
        hits = relevant[top]
        ideal = min(len(held[u]), 10)
        nd += (hits * disc).sum() / disc[:ideal].sum()
        rc += hits.sum() / ideal; pr += hits.sum() / 10; hr += hits.any()
    n = len(users)
    print(json.dumps({"ndcg10_full": nd / n, "recall10_full": rc / n, "precision10_full": pr / n,
                      "hr10_full": hr / n, "users": n, "held_out": len(test)}))
    raise SystemExit
neg = pd.read_csv(split + "/test_negatives.csv", header=None).values
assert S.shape == (len(test), len(items)), (S.shape, len(test), len(items))
hr_s = nd_s = hr_f = nd_f = 0.0
for row, (u, m) in enumerate(zip(test.userId.values, test.movieId.values)):
    s = S[row].astype(np.float64)
    t = np.searchsorted(items, m)
    pos = s[t]
    assert neg[row][0] == u
    cand = np.searchsorted(items, neg[row][1:])
    rank = int((s[cand] >= pos).sum())
    if rank < 10: hr_s += 1; nd_s += 1 / np.log2(rank + 2)
    full = s.copy(); full[rated[u]] = -np.inf
    rank = int((full >= pos).sum()) - 1
    if rank < 10: hr_f += 1; nd_f += 1 / np.log2(rank + 2)
n = len(test)
print(json.dumps({"hr10_sampled": hr_s / n, "ndcg10_sampled": nd_s / n, "hr10_full": hr_f / n, "ndcg10_full": nd_f / n, "users": n}))
