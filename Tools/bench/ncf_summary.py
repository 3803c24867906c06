#!/usr/bin/env python3
"""Summary of Tools/bench/ncf.sh: quality means over the first three seeds and over all seeds (with standard
errors), a null control (each implementation against itself on disjoint seed triples), epoch times and
peak memory.

usage: ncf_summary.py WORK_DIR "SEEDS"
"""
import json, math, statistics as st, sys, os
work, seeds = sys.argv[1], sys.argv[2].split()
def load(p): return json.load(open(p))
def rss(p): return int(open(p).read().split()[-1]) / 1024
metrics = [("small", "hr10_sampled", "HR@10 loo-sampled"), ("small", "ndcg10_sampled", "NDCG@10 loo-sampled"),
           ("fraction", "ndcg10_full", "NDCG@10 full ranking (20 % split)"),
           ("fraction", "recall10_full", "Recall@10 full ranking (20 % split)"),
           ("small", "hr10_full", "HR@10 full ranking (leave-one-out)"),
           ("small", "ndcg10_full", "NDCG@10 full ranking (leave-one-out)")]
def values(split, side, key, ss): return [load(f"{work}/{split}-{side}-{s}.metrics.json")[key] for s in ss]
def se(v): return st.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else float("nan")
sets = [("seeds " + " ".join(seeds[:3]), seeds[:3])] + ([("seeds " + " ".join(seeds), seeds)] if len(seeds) > 3 else [])
for title, ss in sets:
    print(f"## ml-latest-small, NeuMF, {title} (mean ± standard error; marquee/torch - 1)")
    for split, key, name in metrics:
        m, t = values(split, "marquee", key, ss), values(split, "torch", key, ss)
        diff = st.mean(m) / st.mean(t) - 1
        err = math.sqrt(se(m) ** 2 + se(t) ** 2) / st.mean(t)
        print(f"{name:40s} marquee {st.mean(m):.4f} ± {se(m):.4f}   torch {st.mean(t):.4f} ± {se(t):.4f}   "
              f"{diff:+.2%} ± {err:.2%}")
triples = [seeds[k:k + 3] for k in range(0, len(seeds) - 2, 3)]
if len(triples) > 1:
    print("## null control: each side against ITSELF, means over disjoint seed triples "
          + ", ".join("/".join(t) for t in triples) + " (largest relative difference between two triples)")
    for split, key, name in metrics:
        spread = []
        for side in ("marquee", "torch"):
            means = [st.mean(values(split, side, key, t)) for t in triples]
            spread.append(f"{side} {max(means) / min(means) - 1:.2%}")
        print(f"{name:40s} " + "   ".join(spread))
print("## per seed (marquee | torch):", " ".join(k for _, k, _ in metrics))
for s in seeds:
    row = lambda side: " ".join("%.4f" % load(f"{work}/{sp}-{side}-{s}.metrics.json")[k] for sp, k, _ in metrics)
    print(f"seed {s}: {row('marquee')} | {row('torch')}")
for side in ["marquee", "torch"]:
    ep = [e["seconds"] for s in seeds for sp in ("small", "fraction") for e in load(f"{work}/{sp}-{side}-{s}.json")["epochs"]]
    loss = st.mean(load(f"{work}/small-{side}-{s}.json")["epochs"][-1]["loss"] for s in seeds)
    peak = max(rss(f"{work}/{sp}-{side}-{s}.rss") for s in seeds for sp in ("small", "fraction"))
    print(f"{side}: median epoch {st.median(ep):.3f} s over {len(ep)} epochs, final training loss (leave-one-out) "
          f"{loss:.4f}, peak RSS {peak:.0f} MB")
if os.path.exists(f"{work}/slice-marquee-1.json"):
    print("## 1M-positive slice of synthetic ML-20M, one epoch, 2 reps")
    m = [load(f"{work}/slice-marquee-{r}.json") for r in (1, 2)]
    me = st.median(x["epochs"][0]["seconds"] for x in m)
    print(f"positives {m[0]['positives']}, users {m[0]['users']}, items {m[0]['items']}, samples/epoch {m[0]['samples_per_epoch']}")
    print(f"marquee: epoch {me:.2f}s ({', '.join('%.2f' % x['epochs'][0]['seconds'] for x in m)}), "
          f"peak RSS {max(rss(f'{work}/slice-marquee-{r}.rss') for r in (1, 2)):.0f} MB")
    for name in ("torch", "torchdense"):
        t = [load(f"{work}/slice-{name}-{r}.json") for r in (1, 2)]
        te = st.median(x["epochs"][0]["seconds"] for x in t)
        print(f"{name}: epoch {te:.2f}s ({', '.join('%.2f' % x['epochs'][0]['seconds'] for x in t)}; extrapolated from "
              f"{t[0]['epochs'][0]['steps_timed']} of {t[0]['epochs'][0]['steps']} steps), marquee/{name} {me / te:.4f}, "
              f"peak RSS {max(rss(f'{work}/slice-{name}-{r}.rss') for r in (1, 2)):.0f} MB")
