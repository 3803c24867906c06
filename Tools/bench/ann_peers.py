#!/usr/bin/env python3
"""Peer side of Tools/bench/ann.sh: hnswlib and FAISS on the same .fvecs files as `marquee bench-ann`,
plus the report (medians, ratios, Markdown table) and the recall-QPS SVG.

  ann_peers.py gen N D NQ OUTDIR [SEED]           Gaussian-mixture base/queries/groundtruth (fallback generator)
  ann_peers.py hnswlib BASE QUERIES GT [opts]     one JSON object like `marquee bench-ann --json`
  ann_peers.py faiss-flat BASE QUERIES --metric l2|ip [--threads N]
  ann_peers.py report RESULTS_DIR OUT.svg          medians over repetitions, ratios, SVG
  ann_peers.py als-sets EXPORT_DIR OUTDIR          ALS factors (marquee export) -> fvecs sets with exact truth
"""
import argparse, glob, json, os, statistics, sys, time
import numpy as np


def read_fvecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = a[0]
    return a.reshape(-1, d + 1)[:, 1:].view(np.float32).copy()


def read_ivecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = a[0]
    return a.reshape(-1, d + 1)[:, 1:].copy()


def write_vecs(path, x):
    n, d = x.shape
    out = np.empty((n, d + 1), dtype=np.int32)
    out[:, 0] = d
    out[:, 1:] = x.view(np.int32)
    out.tofile(path)


def gen(args):
    """Seeded Gaussian mixture with uneven cluster sizes and spreads (so the set is not trivially easy)."""
    n, d, nq, out = int(args[0]), int(args[1]), int(args[2]), args[3]
    seed = int(args[4]) if len(args) > 4 else 1
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    c = 64
    centres = rng.normal(size=(c, d)).astype(np.float32) * 4
    weights = rng.pareto(1.0, c) + 0.1
    weights /= weights.sum()
    spreads = rng.uniform(0.5, 2.0, c).astype(np.float32)

    def draw(m):
        parts = []
        for start in range(0, m, 100_000):
            k = min(100_000, m - start)
            which = rng.choice(c, k, p=weights)
            parts.append(centres[which] + rng.normal(size=(k, d)).astype(np.float32) * spreads[which, None])
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)

    x, q = draw(n), draw(nq)
    write_vecs(f"{out}/base.fvecs", x)
    write_vecs(f"{out}/queries.fvecs", q)
    import faiss
    index = faiss.IndexFlatL2(d)
    index.add(x)
    _, ids = index.search(q, 100)
    write_vecs(f"{out}/groundtruth.ivecs", ids.astype(np.int32).view(np.float32))


def als_sets(export_dir, out):
    """From `marquee export` .npy files: items with a non-zero vector as base; (a) cosine: 1,000 of those
    items as queries; (b) inner product: every user vector as a query. Exact top-100 ground truth each."""
    items = np.load(f"{export_dir}/item_factors.npy").astype(np.float32)
    users = np.load(f"{export_dir}/user_factors.npy").astype(np.float32)
    items = np.ascontiguousarray(items[np.abs(items).sum(1) > 0])
    rng = np.random.default_rng(3)
    for name, queries, metric in (("als-cosine", items[rng.choice(len(items), min(1000, len(items)), replace=False)], "cosine"),
                                  ("als-ip", users, "ip")):
        d = f"{out}/{name}"
        os.makedirs(d, exist_ok=True)
        if metric == "cosine":
            xn = items / np.linalg.norm(items, axis=1, keepdims=True)
            qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
            scores = qn @ xn.T
        else:
            scores = queries @ items.T
        truth = np.argsort(-scores, axis=1, kind="stable")[:, :100].astype(np.int32)
        write_vecs(f"{d}/base.fvecs", items)
        write_vecs(f"{d}/queries.fvecs", np.ascontiguousarray(queries))
        write_vecs(f"{d}/groundtruth.ivecs", truth.view(np.float32))


def recall_at(found, truth, k):
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(f[:k].tolist()) & set(t[:k].tolist()))
    return hits / (len(truth) * k)


def run_hnswlib(a):
    import hnswlib
    x, q = read_fvecs(a.base), read_fvecs(a.queries)
    gt = read_ivecs(a.groundtruth)
    space = {"l2": "l2", "ip": "ip", "cosine": "cosine"}[a.metric]
    index = hnswlib.Index(space=space, dim=x.shape[1])
    t0 = time.perf_counter()
    index.init_index(max_elements=len(x), M=a.m, ef_construction=a.ef_construction, random_seed=42)
    index.add_items(x, np.arange(len(x)), num_threads=a.threads)
    build = time.perf_counter() - t0
    path = f"/tmp/marquee-hnswlib-{os.getpid()}.bin"
    index.save_index(path)
    size = os.path.getsize(path)
    os.remove(path)
    runs = []
    for ef in [int(e) for e in a.ef.split(",")]:
        index.set_ef(ef)
        t1 = time.perf_counter()
        labels, _ = index.knn_query(q, k=a.k, num_threads=1)
        serial = time.perf_counter() - t1
        t2 = time.perf_counter()
        index.knn_query(q, k=a.k, num_threads=a.threads)
        parallel = time.perf_counter() - t2
        runs.append({"ef": ef, "recall": recall_at(labels, gt, a.k), "qps": len(q) / serial, "qps_all_cores": len(q) / parallel})
    print(json.dumps({"build_seconds": build, "index_bytes": size, "runs": runs}))


def run_faiss_flat(a):
    import faiss
    x, q = read_fvecs(a.base), read_fvecs(a.queries)
    faiss.omp_set_num_threads(a.threads)
    index = faiss.IndexFlatL2(x.shape[1]) if a.metric == "l2" else faiss.IndexFlatIP(x.shape[1])
    index.add(x)
    t0 = time.perf_counter()
    index.search(q, a.k)
    seconds = time.perf_counter() - t0
    print(json.dumps({"flat_qps": len(q) / seconds}))


def median(values):
    return statistics.median(values) if values else float("nan")


def report(results_dir, svg_path):
    """Results files: <set>.<side>.<rep>.json with side in marquee, hnswlib, marquee-flat-l2, faiss-flat-l2, ..."""
    table = {}
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        name = os.path.basename(path)[:-5]
        data_set, side, _rep = name.rsplit(".", 2)
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        table.setdefault(data_set, {}).setdefault(side, []).append(json.loads(text))
    lines = []
    curves = {}
    for data_set, sides in table.items():
        variants = sorted(v for v in sides if v == "marquee" or (v.startswith("marquee-") and "flat" not in v))
        hl = sides.get("hnswlib", [])
        for variant in variants:
            mq = sides[variant]
            if not (mq and hl):
                continue
            who = "Marquee" if variant == "marquee" else f"Marquee ({variant[8:]})"
            lines.append(f"### {data_set}: {who} vs hnswlib (medians of {len(mq)} / {len(hl)} runs)\n")
            mb, hb = median([r["build_seconds"] for r in mq]), median([r["build_seconds"] for r in hl])
            ms, hs = median([r["index_bytes"] for r in mq]), median([r["index_bytes"] for r in hl])
            lines.append("| | Marquee | hnswlib | ratio |\n| --- | --- | --- | --- |")
            lines.append(f"| build seconds | {mb:.2f} | {hb:.2f} | {mb / hb:.2f}× |")
            lines.append(f"| index bytes | {ms / 1e6:.1f} MB | {hs / 1e6:.1f} MB | {ms / hs:.2f}× |\n")
            lines.append("| ef | recall@10 Marquee | recall@10 hnswlib | Δ recall | QPS 1 thread Marquee | QPS 1 thread hnswlib | QPS ratio | QPS all cores Marquee | QPS all cores hnswlib |")
            lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            efs = [r["ef"] for r in mq[0]["runs"]]
            curve_m, curve_h = [], []
            for i, ef in enumerate(efs):
                mr = median([r["runs"][i]["recall"] for r in mq]); hr = median([r["runs"][i]["recall"] for r in hl])
                mqps = median([r["runs"][i]["qps"] for r in mq]); hqps = median([r["runs"][i]["qps"] for r in hl])
                ma = median([r["runs"][i]["qps_all_cores"] for r in mq]); ha = median([r["runs"][i]["qps_all_cores"] for r in hl])
                lines.append(f"| {ef} | {mr:.4f} | {hr:.4f} | {mr - hr:+.4f} | {mqps:.0f} | {hqps:.0f} | {mqps / hqps:.2f}× | {ma:.0f} | {ha:.0f} |")
                curve_m.append((mr, mqps)); curve_h.append((hr, hqps))
            curves.setdefault(data_set, {})[who] = curve_m
            curves[data_set]["hnswlib"] = curve_h
            lines.append("")
        for metric in ("l2", "ip"):
            mf, ff = sides.get(f"marquee-flat-{metric}", []), sides.get(f"faiss-flat-{metric}", [])
            if mf and ff:
                a, b = median([r["flat_qps"] for r in mf]), median([r["flat_qps"] for r in ff])
                lines.append(f"FlatIndex {metric} on {data_set}: Marquee {a:.0f} q/s, FAISS IndexFlat{'L2' if metric == 'l2' else 'IP'} {b:.0f} q/s, ratio {a / b:.2f}× (medians of {len(mf)}/{len(ff)})\n")
    print("\n".join(lines))
    if curves:
        write_svg(curves, svg_path)


def write_svg(curves, path):
    """Recall@10 (x) against single-thread QPS (y, log scale), one panel per data set."""
    import math
    panel_w, panel_h, pad = 420, 300, 50
    width = panel_w * len(curves) + pad
    height = panel_h + 2 * pad
    palette = ["#d62728", "#2ca02c", "#9467bd"]
    colors = {"hnswlib": "#1f77b4"}
    for sides in curves.values():
        for side in sides:
            if side not in colors:
                colors[side] = palette[len(colors) - 1] if len(colors) - 1 < len(palette) else "#555"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for p, (name, sides) in enumerate(curves.items()):
        x0 = pad + p * panel_w
        pts = [pt for s in sides.values() for pt in s]
        rmin = max(0.0, math.floor((min(r for r, _ in pts) - 0.02) * 20) / 20); rmax = 1.0
        qmin = min(q for _, q in pts) / 1.3; qmax = max(q for _, q in pts) * 1.3
        w, h = panel_w - 70, panel_h - 20

        def sx(r): return x0 + (r - rmin) / (rmax - rmin) * w
        def sy(q): return pad + h - (math.log(q) - math.log(qmin)) / (math.log(qmax) - math.log(qmin)) * h
        out.append(f'<rect x="{x0}" y="{pad}" width="{w}" height="{h}" fill="none" stroke="#888"/>')
        out.append(f'<text x="{x0 + w / 2}" y="{pad - 10}" text-anchor="middle" font-size="13">{name}</text>')
        out.append(f'<text x="{x0 + w / 2}" y="{pad + h + 32}" text-anchor="middle">recall@10</text>')
        out.append(f'<text x="{x0 - 38}" y="{pad + h / 2}" transform="rotate(-90 {x0 - 38} {pad + h / 2})" text-anchor="middle">queries/s, 1 thread (log)</text>')
        for t in range(6):
            r = rmin + (rmax - rmin) * t / 5
            out.append(f'<text x="{sx(r)}" y="{pad + h + 14}" text-anchor="middle">{r:.2f}</text>')
        q = 10 ** math.floor(math.log10(qmin))
        while q <= qmax:
            for mult in (1, 2, 5):
                v = q * mult
                if qmin <= v <= qmax:
                    out.append(f'<line x1="{x0}" x2="{x0 + w}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" stroke="#eee"/>')
                    out.append(f'<text x="{x0 - 4}" y="{sy(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
            q *= 10
        for i, (side, s) in enumerate(sides.items()):
            path_d = " ".join(f"{'M' if j == 0 else 'L'}{sx(r):.1f},{sy(v):.1f}" for j, (r, v) in enumerate(s))
            out.append(f'<path d="{path_d}" fill="none" stroke="{colors[side]}" stroke-width="2"/>')
            for r, v in s:
                out.append(f'<circle cx="{sx(r):.1f}" cy="{sy(v):.1f}" r="3" fill="{colors[side]}"/>')
            out.append(f'<text x="{x0 + 10}" y="{pad + h - 10 - 14 * i}" fill="{colors[side]}">{side}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) < 2:
        print(__doc__); sys.exit(2)
    mode = sys.argv[1]
    if mode == "gen":
        gen(sys.argv[2:]); return
    if mode == "als-sets":
        als_sets(sys.argv[2], sys.argv[3]); return
    if mode == "report":
        report(sys.argv[2], sys.argv[3]); return
    p = argparse.ArgumentParser()
    p.add_argument("base"); p.add_argument("queries"); p.add_argument("groundtruth", nargs="?")
    p.add_argument("--metric", default="l2"); p.add_argument("--k", type=int, default=10)
    p.add_argument("--m", type=int, default=16); p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--ef", default="10,20,40,80,160,320"); p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args(sys.argv[2:])
    {"hnswlib": run_hnswlib, "faiss-flat": run_faiss_flat}[mode](a)


if __name__ == "__main__":
    main()
