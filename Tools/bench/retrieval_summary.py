#!/usr/bin/env python3
"""Summarises Tools/bench/retrieval.sh output (folder given as argv[1]) as Markdown tables."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]


def loss_table(name):
    path = os.path.join(out, f"{name}-loss.json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    report = json.load(open(path))
    rows = report.get("retrieval", [])
    print(f"\n#### {name}: ANN loss (ALS, K = 10, {rows[0]['users'] if rows else 0} test users, split {report['split']})\n")
    print("| N cand. | ef | NDCG@10 exact | NDCG@10 HNSW | loss | Recall@10 exact | Recall@10 HNSW | neighbour recall@N | ms/user HNSW mean / p99 | ms/user exact mean / p99 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['candidates']} | {r['ef']} | {r['ndcg_exact']:.4f} | {r['ndcg_hnsw']:.4f} | {100 * r['ndcg_loss']:.2f}% | "
              f"{r['recall_exact']:.4f} | {r['recall_hnsw']:.4f} | {r['neighbor_recall']:.4f} | "
              f"{r['mean_ms']:.3f} / {r['p99_ms']:.3f} | {r['exact_mean_ms']:.3f} / {r['exact_p99_ms']:.3f} |")


def latency_table(name):
    files = [f for f in sorted(glob.glob(os.path.join(out, f"{name}-latency-*.json"))) if os.path.getsize(f) > 0]
    if not files:
        return
    runs = [json.load(open(f)) for f in files]
    first = runs[0]
    print(f"\n#### {name}: recommend latency in process ({first['items']} items × {first['factors']} factors, "
          f"{first['users']} users, N = {first['candidates']}, K = {first['k']}; medians of {len(runs)} runs)\n")
    print("| retrieval | ef | mean ms | p50 ms | p99 ms | calls/s 1 thread | calls/s 2 threads | exact p99 ÷ this p99 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    keys = [(r["retrieval"], r.get("ef")) for r in first["rows"]]
    med = {}
    for key in keys:
        rows = [next(r for r in run["rows"] if (r["retrieval"], r.get("ef")) == key) for run in runs]
        med[key] = {f: statistics.median(r[f] for r in rows) for f in ["mean_ms", "p50_ms", "p99_ms", "qps_1_thread", "qps_threads"]}
    exact = med[("exact", None)]
    for key in keys:
        m = med[key]
        print(f"| {key[0]} | {key[1] if key[1] is not None else '–'} | {m['mean_ms']:.3f} | {m['p50_ms']:.3f} | {m['p99_ms']:.3f} | "
              f"{m['qps_1_thread']:.0f} | {m['qps_threads']:.0f} | {exact['p99_ms'] / m['p99_ms']:.2f} |")


for dataset in ["small", "synth20m"]:
    loss_table(dataset)
    latency_table(dataset)
