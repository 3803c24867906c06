"""The Python side of Tools/bench/ingest.sh: what a user would otherwise write to load MovieLens ratings.

Usage: python3 ingest_pandas.py MODE RATINGS_CSV [THRESHOLD]
  read_csv  pandas.read_csv (C engine) alone
  pyarrow   pandas.read_csv(engine="pyarrow") alone (multi-threaded)
  pipeline  pandas.read_csv + pd.factorize of userId and movieId + scipy.sparse.csr_matrix of the
            positives (rating >= threshold), values = ratings
Prints one JSON object: {"mode", "seconds" (in-process, after imports), "rows", ...}.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp


def main():
    mode, path = sys.argv[1], sys.argv[2]
    threshold = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    start = time.perf_counter()
    if mode == "read_csv":
        df = pd.read_csv(path)
        out = {"rows": len(df)}
    elif mode == "pyarrow":
        df = pd.read_csv(path, engine="pyarrow")
        out = {"rows": len(df)}
    elif mode == "pipeline":
        df = pd.read_csv(path)
        users, user_ids = pd.factorize(df["userId"])
        items, item_ids = pd.factorize(df["movieId"])
        positive = df["rating"].to_numpy() >= threshold
        matrix = sp.csr_matrix(
            (df["rating"].to_numpy()[positive].astype(np.float32), (users[positive], items[positive])),
            shape=(len(user_ids), len(item_ids)),
        )
        out = {"rows": len(df), "users": len(user_ids), "items": len(item_ids), "positives": int(matrix.nnz)}
    else:
        sys.exit(f"unknown mode {mode}")
    out["seconds"] = time.perf_counter() - start
    out["mode"] = mode
    print(json.dumps(out))


if __name__ == "__main__":
    main()
