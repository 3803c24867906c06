#!/usr/bin/env python3
"""Splits for the NCF benchmark, written as MovieLens CSV files.

--holdout latest (default, the paper's leave-one-out): each user's latest positive (rating >= threshold;
ties broken by file order) is held out as the test item when the user keeps at least one positive and the
movie stays in training. Writes OUT/train/ratings.csv (+ movies.csv), OUT/test.csv (userId,movieId) and OUT/test_negatives.csv
(userId followed by N movieIds from training that the user never rated, seeded).

--holdout fraction: a seeded random TEST_FRACTION of each user's positives (at least one, for users with at
least two positives; only movies that stay in training) is held out, the protocol of `marquee evaluate`'s
default full ranking. OUT/test.csv then has one line per held-out (userId, movieId) and OUT/users.csv the
test users once each; there is no sampled-negatives file (full ranking only).

usage: ncf_split.py DATA_DIR OUT_DIR [--holdout latest|fraction] [--test-fraction 0.2]
       [--negatives 100] [--seed 1] [--threshold 4]
       [--max-positives N]  (keep only the first users, in id order, whose positives add up to N)
"""
import argparse, os, shutil
import numpy as np
import pandas as pd

p = argparse.ArgumentParser()
p.add_argument("data"); p.add_argument("out")
p.add_argument("--negatives", type=int, default=100)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threshold", type=float, default=4.0)
p.add_argument("--max-positives", type=int, default=0)
p.add_argument("--holdout", choices=["latest", "fraction"], default="latest")
p.add_argument("--test-fraction", type=float, default=0.2)
a = p.parse_args()

r = pd.read_csv(os.path.join(a.data, "ratings.csv"))
if a.max_positives:
    pos_per_user = (r[r.rating >= a.threshold].groupby("userId").size()).sort_index()
    keep = pos_per_user.index[pos_per_user.cumsum() <= a.max_positives]
    r = r[r.userId.isin(keep)]
r = r.reset_index(drop=True)
r["order"] = np.arange(len(r))
pos = r[r.rating >= a.threshold].sort_values(["userId", "timestamp", "order"])
counts = pos.groupby("userId").size()
if a.holdout == "latest":
    held = pos.groupby("userId").tail(1)
else:
    shuffled = pos.sample(frac=1.0, random_state=a.seed).sort_values("userId", kind="stable")
    take = np.maximum(1, np.floor(a.test_fraction * counts).astype(int))
    rank = shuffled.groupby("userId").cumcount()
    held = shuffled[rank.values < take.loc[shuffled.userId].values]
held = held[held.userId.isin(counts.index[counts >= 2])]
train = r.drop(index=held.index)
held = held[held.movieId.isin(set(train.movieId))]
train = r.drop(index=held.index)

os.makedirs(os.path.join(a.out, "train"), exist_ok=True)
train[["userId", "movieId", "rating", "timestamp"]].to_csv(os.path.join(a.out, "train", "ratings.csv"), index=False)
movies = os.path.join(a.data, "movies.csv")
if os.path.exists(movies):
    shutil.copy(movies, os.path.join(a.out, "train", "movies.csv"))
else:
    pd.DataFrame({"movieId": sorted(set(train.movieId)), "title": "", "genres": ""}).to_csv(
        os.path.join(a.out, "train", "movies.csv"), index=False)
held = held.sort_values(["userId", "movieId"])
held[["userId", "movieId"]].to_csv(os.path.join(a.out, "test.csv"), index=False)
if a.holdout == "fraction":
    pd.DataFrame({"userId": held.userId.unique()}).to_csv(os.path.join(a.out, "users.csv"), index=False)
    print(f"train {len(train)} ratings ({int((train.rating >= a.threshold).sum())} positives), "
          f"{train.userId.nunique()} users, {train.movieId.nunique()} movies; test {len(held)} positives of "
          f"{held.userId.nunique()} users")
    raise SystemExit

rng = np.random.default_rng(a.seed)
items = np.array(sorted(set(train.movieId)))
rated = r.groupby("userId").movieId.apply(set)
rows = []
for u in held.userId:
    seen = rated[u]
    picked = []
    chosen = set()
    while len(picked) < a.negatives:
        for j in rng.choice(items, size=2 * a.negatives):
            j = int(j)
            if j not in seen and j not in chosen:
                chosen.add(j); picked.append(j)
                if len(picked) == a.negatives: break
    rows.append([u] + picked)
pd.DataFrame(rows).to_csv(os.path.join(a.out, "test_negatives.csv"), index=False, header=False)
print(f"train {len(train)} ratings ({int((train.rating >= a.threshold).sum())} positives), "
      f"{train.userId.nunique()} users, {len(items)} movies; test {len(held)} users")
