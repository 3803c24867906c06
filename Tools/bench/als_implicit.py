#!/usr/bin/env python3
"""Peer side of Tools/bench/als.sh and als_sweep.sh: the `implicit` library's ALS.

  als_implicit.py split --ratings R.csv --train OUT.csv --test OUT.csv [--fraction 0.2] [--seed 1]
      Writes one random per-user train/test split of a MovieLens ratings.csv as two CSV files.
  als_implicit.py train --train FILE.csv --out DIR [--factors 64] [--regularization 0.01] [--alpha 1]
                        [--iterations 15] [--seed 0] [--threads 2] [--solver cg|cholesky]
                        [--confidence binary|rating] [--values like-for-like|raw]
      Trains implicit.cpu.als.AlternatingLeastSquares on the positives (rating >= 4.0) and writes
      user_factors.npy, item_factors.npy, user_ids.npy, item_ids.npy into DIR (scored by
      `marquee als-bench --peer DIR`). Prints one JSON object: seconds (fit), seconds_per_iteration.
      --values like-for-like (default) gives implicit the matrix values 1 + alpha*r and alpha=1, i.e. the
      same confidence as Marquee; --values raw gives it r (1 or the rating) and its own alpha, the way a
      user of implicit would call it with its defaults.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit parallelises rows itself

import numpy as np
import pandas as pd
import scipy.sparse as sp


def split(args):
    df = pd.read_csv(args.ratings)
    rng = np.random.default_rng(args.seed)
    test = rng.random(len(df)) < args.fraction
    df[~test].to_csv(args.train, index=False)
    df[test].to_csv(args.test, index=False)
    print(json.dumps({"train": int((~test).sum()), "test": int(test.sum())}))


def train(args):
    from implicit.cpu.als import AlternatingLeastSquares

    df = pd.read_csv(args.train, dtype={"userId": np.int64, "movieId": np.int64, "rating": np.float32})
    user_ids = np.unique(df.userId.values)
    item_ids = np.unique(df.movieId.values)
    pos = df[df.rating >= args.threshold]
    u = np.searchsorted(user_ids, pos.userId.values)
    i = np.searchsorted(item_ids, pos.movieId.values)
    r = np.ones(len(pos), dtype=np.float32) if args.confidence == "binary" else pos.rating.values.astype(np.float32)
    if args.values == "like-for-like":
        values, alpha = 1.0 + args.alpha * r, 1.0
    else:
        values, alpha = r, args.alpha
    user_items = sp.csr_matrix((values.astype(np.float32), (u, i)), shape=(len(user_ids), len(item_ids)))
    user_items.sum_duplicates()

    model = AlternatingLeastSquares(
        factors=args.factors, regularization=args.regularization, alpha=alpha, iterations=args.iterations,
        use_cg=args.solver == "cg", num_threads=args.threads, random_state=args.seed,
        calculate_training_loss=False)
    marks = []
    start = time.perf_counter()
    model.fit(user_items, show_progress=False, callback=lambda it, elapsed, loss: marks.append(time.perf_counter()))
    seconds = time.perf_counter() - start
    per_iteration = np.diff([start] + marks)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "user_factors.npy"), np.ascontiguousarray(model.user_factors, dtype=np.float32))
    np.save(os.path.join(args.out, "item_factors.npy"), np.ascontiguousarray(model.item_factors, dtype=np.float32))
    np.save(os.path.join(args.out, "user_ids.npy"), user_ids.astype(np.int64))
    np.save(os.path.join(args.out, "item_ids.npy"), item_ids.astype(np.int64))
    print(json.dumps({"model": "implicit", "factors": args.factors, "iterations": args.iterations, "seconds": seconds,
                      "seconds_per_iteration": float(np.mean(per_iteration)) if len(per_iteration) else 0.0}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("split")
    s.add_argument("--ratings", required=True)
    s.add_argument("--train", required=True)
    s.add_argument("--test", required=True)
    s.add_argument("--fraction", type=float, default=0.2)
    s.add_argument("--seed", type=int, default=1)
    t = sub.add_parser("train")
    t.add_argument("--train", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--factors", type=int, default=64)
    t.add_argument("--regularization", type=float, default=0.01)
    t.add_argument("--alpha", type=float, default=1.0)
    t.add_argument("--iterations", type=int, default=15)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--solver", choices=["cg", "cholesky"], default="cg")
    t.add_argument("--confidence", choices=["binary", "rating"], default="binary")
    t.add_argument("--values", choices=["like-for-like", "raw"], default="like-for-like")
    t.add_argument("--threshold", type=float, default=4.0)
    args = p.parse_args()
    split(args) if args.command == "split" else train(args)


if __name__ == "__main__":
    sys.exit(main())
