"""Checks groundtruth.ivecs of `marquee synth --shape vectors` against FAISS IndexFlatL2 (exact) and
times FAISS on the same queries. Usage: synth_groundtruth_check.py DIR"""
import sys, time
import numpy as np
import faiss

def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].view(dtype).copy()

folder = sys.argv[1]
base = read_vecs(f"{folder}/base.fvecs", np.float32)
queries = read_vecs(f"{folder}/queries.fvecs", np.float32)
truth = read_vecs(f"{folder}/groundtruth.ivecs", np.int32)
k = truth.shape[1]
index = faiss.IndexFlatL2(base.shape[1])
index.add(base)
start = time.perf_counter()
dist, ids = index.search(queries, k)
seconds = time.perf_counter() - start
same = (ids == truth).mean()
recall_at_k = np.mean([len(set(a) & set(b)) / k for a, b in zip(ids, truth)])
print(f"base {base.shape}, queries {queries.shape}, k {k}")
print(f"faiss IndexFlatL2 search: {seconds:.1f} s ({faiss.omp_get_max_threads()} threads)")
print(f"identical ids at identical ranks: {same:.6f}; set overlap (recall@{k} of ours vs faiss): {recall_at_k:.6f}")
gaps = dist[:, 9] / np.maximum(dist[:, 0], 1e-12)
print(f"difficulty: median d(10th)/d(1st) = {np.median(gaps):.3f} (squared L2)")
