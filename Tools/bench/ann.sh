#!/usr/bin/env bash
# Marquee's HNSW index against hnswlib, and its exact FlatIndex against FAISS IndexFlatL2/IP, on the same
# .fvecs files, in one run: release build, sides alternating, several repetitions, medians and ratios.
# Writes the Markdown table to stdout and the recall-QPS plot to Tools/bench/ann_recall_qps.svg.
#
# Usage: Tools/bench/ann.sh [--reps N] [--threads N] [--large] [--sets "100k-64 100k-128"] [--no-als] [--flat-only]
#   --flat-only: only FlatIndex vs FAISS on the first set (no HNSW builds, no ALS part; the plot is kept).
#   --large adds the 1,000,000 x 64 set (a few minutes per build on 2 cores; $LARGE_REPS repetitions, default 1).
#   The ALS part trains ALS on Data/ml-latest-small, then compares on its item vectors: cosine (items as
#   queries) and inner product with user vectors as queries, both MIPS strategies against hnswlib's "ip".
# Data: $MARQUEE_ANN_DATA (default /tmp/marquee-ann); made by `marquee synth --shape vectors` when that
# command exists, else by ann_peers.py's Gaussian-mixture generator. Run it under both locks (the script
# takes none itself): flock /tmp/marquee-build.lock flock /tmp/marquee-bench.lock Tools/bench/ann.sh …
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"

REPS=2
THREADS=2
SETS="100k-64 100k-128"
ALS=1
HNSW=1
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --large) SETS="$SETS 1m-64"; shift ;;
        --sets) SETS="$2"; shift 2 ;;
        --no-als) ALS=0; shift ;;
        --flat-only) HNSW=0; ALS=0; shift ;;
        *) say "unknown option $1"; exit 2 ;;
    esac
done

ensure_build_deps
ensure_pip numpy hnswlib faiss-cpu
say "release build"
release_build >&2
MARQUEE="$(release_bin_path)/marquee"
MARQUEE_BENCH="$(release_bin_path)/marquee-bench"
PEERS="python3 Tools/bench/ann_peers.py"
DATA="${MARQUEE_ANN_DATA:-/tmp/marquee-ann}"
RESULTS="$(mktemp -d /tmp/marquee-ann-results.XXXXXX)"

shape() { # NAME -> "COUNT DIM QUERIES"
    case "$1" in
        100k-64) echo "100000 64 10000" ;;
        100k-128) echo "100000 128 10000" ;;
        1m-64) echo "1000000 64 10000" ;;
        *) say "unknown set $1"; exit 2 ;;
    esac
}

make_set() {
    local name="$1" dir="$DATA/$1"
    [ -f "$dir/groundtruth.ivecs" ] && return 0
    read -r count dim queries <<<"$(shape "$name")"
    mkdir -p "$dir"
    if "$MARQUEE" synth --help >/dev/null 2>&1; then
        say "marquee synth --shape vectors $name"
        "$MARQUEE" synth --shape vectors --count "$count" --dim "$dim" --queries "$queries" --seed 1 --out "$dir" >&2
    else
        say "generating $name with ann_peers.py gen (marquee synth not available)"
        $PEERS gen "$count" "$dim" "$queries" "$dir"
    fi
}

for name in $SETS; do
    make_set "$name"
    dir="$DATA/$name"
    cat "$dir"/*.fvecs "$dir"/*.ivecs >/dev/null # warm the page cache for both sides
    [ "$HNSW" = 1 ] || continue
    reps="$REPS"
    [ "$name" = 1m-64 ] && reps="${LARGE_REPS:-1}" # a 1M build takes minutes per side on 2 cores
    for rep in $(seq 1 "$reps"); do
        run_marquee() {
            say "$name rep $rep: marquee-bench bench-ann"
            "$MARQUEE_BENCH" bench-ann --base "$dir/base.fvecs" --queries "$dir/queries.fvecs" --groundtruth "$dir/groundtruth.ivecs" \
                --metric l2 --m 16 --ef-construction 200 --threads "$THREADS" --json >"$RESULTS/$name.marquee.$rep.json"
        }
        run_hnswlib() {
            say "$name rep $rep: hnswlib"
            $PEERS hnswlib "$dir/base.fvecs" "$dir/queries.fvecs" "$dir/groundtruth.ivecs" \
                --metric l2 --m 16 --ef-construction 200 --threads "$THREADS" >"$RESULTS/$name.hnswlib.$rep.json"
        }
        if [ $((rep % 2)) -eq 1 ]; then run_marquee; run_hnswlib; else run_hnswlib; run_marquee; fi
    done
done

# Exact search throughput on the first set: Marquee FlatIndex vs FAISS, both metrics, alternating.
first="${SETS%% *}"
dir="$DATA/$first"
for metric in l2 ip; do
    for rep in $(seq 1 $((REPS + 1))); do
        say "$first flat $metric rep $rep"
        "$MARQUEE_BENCH" bench-ann --base "$dir/base.fvecs" --queries "$dir/queries.fvecs" --metric "$metric" --flat-only \
            --threads "$THREADS" --json >"$RESULTS/$first.marquee-flat-$metric.$rep.json"
        $PEERS faiss-flat "$dir/base.fvecs" "$dir/queries.fvecs" --metric "$metric" --threads "$THREADS" \
            >"$RESULTS/$first.faiss-flat-$metric.$rep.json"
    done
done

if [ "$ALS" = 1 ]; then
    als_dir="$DATA/als"
    if [ ! -f "$als_dir/als-ip/groundtruth.ivecs" ]; then
        say "training ALS on Data/ml-latest-small for the ALS-vector comparison"
        "$MARQUEE" train --model als --data Data/ml-latest-small --out "$als_dir/als.model" >&2
        "$MARQUEE" export --model "$als_dir/als.model" --out "$als_dir/npy" >&2
        $PEERS als-sets "$als_dir/npy" "$als_dir"
    fi
    EFS=10,20,40,80,160
    for rep in $(seq 1 $((REPS + 1))); do
        d="$als_dir/als-cosine"
        "$MARQUEE_BENCH" bench-ann --base "$d/base.fvecs" --queries "$d/queries.fvecs" --groundtruth "$d/groundtruth.ivecs" --metric cosine \
            --ef "$EFS" --threads "$THREADS" --json >"$RESULTS/als-cosine.marquee.$rep.json"
        $PEERS hnswlib "$d/base.fvecs" "$d/queries.fvecs" "$d/groundtruth.ivecs" --metric cosine --ef "$EFS" --threads "$THREADS" \
            >"$RESULTS/als-cosine.hnswlib.$rep.json"
        d="$als_dir/als-ip"
        for strategy in graph l2-reduction; do
            side=marquee; [ "$strategy" = l2-reduction ] && side=marquee-l2-reduction
            "$MARQUEE_BENCH" bench-ann --base "$d/base.fvecs" --queries "$d/queries.fvecs" --groundtruth "$d/groundtruth.ivecs" --metric ip \
                --mips-strategy "$strategy" --ef "$EFS" --threads "$THREADS" --json >"$RESULTS/als-ip.$side.$rep.json"
        done
        $PEERS hnswlib "$d/base.fvecs" "$d/queries.fvecs" "$d/groundtruth.ivecs" --metric ip --ef "$EFS" --threads "$THREADS" \
            >"$RESULTS/als-ip.hnswlib.$rep.json"
    done
fi

if [ "$HNSW" = 1 ]; then SVG=Tools/bench/ann_recall_qps.svg; else SVG=/dev/null; fi
$PEERS report "$RESULTS" "$SVG"
say "raw results in $RESULTS; plot in $SVG"
