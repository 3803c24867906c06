"""Summary of Tools/bench/ingest.sh results: medians, peak RSS and ratios as Markdown tables.

Usage: python3 ingest_summary.py RESULTS_TSV RATINGS_CSV
RESULTS_TSV lines: dataset, step, in-process seconds, wall seconds, peak RSS (KB), tab separated.
"""
import collections, os, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    dataset, name, inproc, wall, rss = line.rstrip("\n").split("\t")
    rows[(dataset, name)].append((float(inproc), float(wall), int(rss)))
med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), max(x[2] for x in v), len(v))
       for k, v in rows.items()}
size = os.path.getsize(sys.argv[2]) / 1e6
print(f"ratings.csv: {sys.argv[2]} ({size:.0f} MB)\n")
for dataset in ("ml-20m", "small"):
    print(f"### {dataset}\n")
    print("| step | in-process s (median) | whole process s (median) | peak RSS MB (max) | runs |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for (d, name), (i, w, r, n) in sorted(med.items()):
        if d == dataset:
            print(f"| {name} | {i:.3f} | {w:.2f} | {r / 1024:.0f} | {n} |")
    def ratio(a, b, k):
        if (dataset, a) in med and (dataset, b) in med:
            return med[(dataset, b)][k] / med[(dataset, a)][k]
        return float("nan")
    print()
    for other in ("pandas_pipeline", "pandas_read_csv", "pandas_pyarrow"):
        print(f"- {other} / marquee_parse: {ratio('marquee_parse', other, 0):.2f}x in-process, {ratio('marquee_parse', other, 1):.2f}x whole process")
    print(f"- marquee_parse / marquee_cache: {ratio('marquee_cache', 'marquee_parse', 0):.1f}x in-process, {ratio('marquee_cache', 'marquee_parse', 1):.1f}x whole process")
    print()
