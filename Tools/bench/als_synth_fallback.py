#!/usr/bin/env python3
"""Fallback generator of an ML-20M-shaped ratings.csv for Tools/bench/als.sh, used only when this build
has no `marquee synth --shape ml-20m` yet. 138,493 users, 26,744 movies, ~20.0M ratings; user activity
log-normal (at least 20 ratings each), movie popularity Zipf-like, ratings with ML-20M's histogram (about
half are >= 4.0). Usage: als_synth_fallback.py OUT_DIR [seed]"""
import os
import sys

import numpy as np
import pandas as pd

USERS, ITEMS, RATINGS = 138_493, 26_744, 20_000_263


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    activity = rng.lognormal(0, 1.2, USERS)
    counts = 20 + np.floor(activity / activity.sum() * (RATINGS - 20 * USERS) * 1.3).astype(np.int64)
    popularity = 1.0 / np.arange(1, ITEMS + 1) ** 0.9
    popularity = rng.permutation(popularity / popularity.sum())
    users = np.repeat(np.arange(USERS, dtype=np.int64), counts)
    items = rng.choice(ITEMS, size=len(users), p=popularity)
    key = np.unique(users * ITEMS + items)
    if len(key) > RATINGS:
        key = np.sort(rng.choice(key, RATINGS, replace=False))
    users, items = key // ITEMS, key % ITEMS
    levels = np.arange(1, 11) / 2.0
    hist = np.array([0.011, 0.034, 0.016, 0.072, 0.044, 0.214, 0.110, 0.278, 0.076, 0.145])
    ratings = rng.choice(levels, size=len(users), p=hist / hist.sum())
    stamps = 1_000_000_000 + rng.integers(0, 400_000_000, len(users))
    os.makedirs(out, exist_ok=True)
    pd.DataFrame({"userId": users + 1, "movieId": items + 1, "rating": ratings, "timestamp": stamps}).to_csv(
        os.path.join(out, "ratings.csv"), index=False, float_format="%.1f")
    with open(os.path.join(out, "movies.csv"), "w") as f:
        f.write("movieId,title,genres\n")
        for i in range(1, ITEMS + 1):
            f.write(f"{i},Movie {i} (2000),Drama\n")
    print(f"{len(users)} ratings, {(ratings >= 4).sum()} positives")


if __name__ == "__main__":
    main()
