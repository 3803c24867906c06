#!/usr/bin/env bash
# Tunes ALS defaults for ml-latest-small on VALIDATION slices of the training part (never on test).
#
# Writes the same train/test split as Tools/bench/als.sh (seed 1), then for every (factors, λ, α) holds
# out 20 % of each user's train positives as validation (Marquee's Split.random, via `als-bench
# --validation`) with two different split seeds and two model seeds, and
# prints mean validation NDCG@10 / Recall@10 sorted best first. Results: /tmp/marquee-als-sweep/sweep.tsv.
# Usage: Tools/bench/als_sweep.sh [factors-list] [lambda-list] [alpha-list]
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"
ensure_build_deps
ensure_pip implicit pandas scipy numpy
FACTORS=${1:-"32 64 128"}
LAMBDAS=${2:-"0.01 0.1 0.5 2 5"}
ALPHAS=${3:-"1 5 10 20 40"}
WORK=/tmp/marquee-als-sweep
mkdir -p "$WORK"
say "release build"
release_build >/dev/null
M="$(release_bin_path)/marquee-bench"
python3 Tools/bench/als_implicit.py split --ratings Data/ml-latest-small/ratings.csv \
    --train "$WORK/train.csv" --test "$WORK/test.csv" --seed 1 >/dev/null
OUT="$WORK/sweep.tsv"
printf 'factors\tregularization\talpha\tndcg10\trecall10\n' > "$OUT"
for f in $FACTORS; do for l in $LAMBDAS; do for a in $ALPHAS; do
    sum_n=0; sum_r=0; runs=0
    for split in 11 12; do for seed in 1 2; do
        j=$("$M" als-bench --train "$WORK/train.csv" --validation 0.2 --split-seed $split --factors $f \
            --regularization $l --alpha $a --iterations 15 --seed $seed)
        n=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['ndcg'])" "$j")
        r=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['recall'])" "$j")
        sum_n=$(python3 -c "print($sum_n+$n)"); sum_r=$(python3 -c "print($sum_r+$r)"); runs=$((runs+1))
    done; done
    printf '%s\t%s\t%s\t%.4f\t%.4f\n' $f $l $a "$(python3 -c "print($sum_n/$runs)")" "$(python3 -c "print($sum_r/$runs)")" >> "$OUT"
done; done; done
say "validation NDCG@10 (mean of 2 validation splits × 2 seeds), best first:"
(head -1 "$OUT"; tail -n +2 "$OUT" | sort -t$'\t' -k4,4gr) | column -t | head -20
