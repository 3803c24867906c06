#!/usr/bin/env bash
# NeuMF, Marquee vs a PyTorch reference (Tools/bench/ncf_torch.py), same data, model and training.
#
#   Tools/bench/ncf.sh [EPOCHS] [SEEDS] [SLICE_TORCH_STEPS]
#   (defaults: 10 epochs, seeds "1 2 3", 1500 timed PyTorch steps on the 1M-positive slice)
#
# 1. ml-latest-small, two splits (Tools/bench/ncf_split.py, split seed 1):
#    - leave-one-out: each user's latest positive is the test item, with 100 sampled unrated movies per test
#      user: HR@10 / NDCG@10 loo-sampled (the paper's protocol) and full ranking of that one movie;
#    - fraction: a random 20 % of each user's positives held out (max(1, ⌊0.2·P⌋) for users with P ≥ 2,
#      drawn by numpy: the idea of `marquee evaluate`'s random split, not its exact rule or draw):
#      full-ranking NDCG@10 / Recall@10 over about 9,200 held-out positives, far less noisy than the single
#      held-out movie.
#    For every seed and split, alternating which side goes first: train NeuMF (factors 8, layers
#    64,32,16,8, 4 negatives, batch 256, Adam lr 0.001, no L2, EPOCHS epochs), write the test users' scores
#    over all movies, and score both sides with ONE evaluator (ncf_eval.py). Epoch time (sampling included)
#    and peak RSS (/usr/bin/time) of each run.
# 2. A 1,000,000-positive slice of the synthetic ML-20M (marquee synth --shape ml-20m --seed 42; the first
#    users by id whose positives add up to 1M): one epoch each, twice, alternating. PyTorch times
#    SLICE_TORCH_STEPS steps and extrapolates to the full epoch (its epoch is ~20k steps), both with the
#    reference's SparseAdam and with one dense Adam (the common PyTorch set-up; timing only).
# Both sides use 2 threads (MARQUEE_THREADS=2, torch.set_num_threads(2)). Run it under the bench lock:
#   flock /tmp/marquee-bench.lock Tools/bench/ncf.sh
# The summary gives means over the first three seeds (the issue's protocol) and over all seeds, with
# standard errors.
source "$(dirname "$0")/../lib/common.sh"
EPOCHS="${1:-10}"
SEEDS="${2:-1 2 3}"
SLICE_STEPS="${3:-1500}"
ensure_build_deps
ensure_pip torch pandas numpy
cd "$MARQUEE_ROOT"
say "release build"
release_build >&2
BIN="$(release_bin_path)/marquee"
MB="$(release_bin_path)/marquee-bench"
BENCH="$MARQUEE_ROOT/Tools/bench"
WORK="${NCF_BENCH_DIR:-/tmp/marquee-ncf-bench}"
mkdir -p "$WORK"
export MARQUEE_THREADS=2
ARCH=(--factors 8 --layers 64,32,16,8 --negatives 4 --batch-size 256 --lr 0.001)

users_of() { if [ -f "$1/users.csv" ]; then echo "$1/users.csv"; else echo "$1/test.csv"; fi; }
run_marquee() { # split-dir seed epochs out-prefix [score]
    /usr/bin/time -f "%M" -o "$4.rss" "$BIN" train --data "$1/train" --models-dir "$WORK/idx" --model neumf \
        "${ARCH[@]}" --epochs "$3" --seed "$2" --no-validation --out "$4.model" --json > "$4.json"
    if [ "${5:-}" = score ]; then
        "$MB" export-scores --model "$4.model" --users "$(users_of "$1")" --out "$4.npy"
        python3 "$BENCH/ncf_eval.py" "$1" "$4.npy" > "$4.metrics.json"
    fi
}
run_torch() { # split-dir seed epochs out-prefix [score|steps [optimizer]]
    local extra=()
    if [ "${5:-}" = score ]; then extra=(); else extra=(--no-scores --max-steps "$5" --optimizer "${6:-sparse}"); fi
    /usr/bin/time -f "%M" -o "$4.rss" python3 "$BENCH/ncf_torch.py" "$1/train" "$(users_of "$1")" "$4.npy" \
        "${ARCH[@]}" --epochs "$3" --seed "$2" --threads 2 "${extra[@]}" > "$4.json"
    if [ "${5:-}" = score ]; then python3 "$BENCH/ncf_eval.py" "$1" "$4.npy" > "$4.metrics.json"; fi
}
both() { # order split-dir seed epochs name
    if [ "$1" -eq 0 ]; then
        say "$5 seed $3: marquee"; run_marquee "$2" "$3" "$4" "$WORK/$5-marquee-$3" score
        say "$5 seed $3: torch";   run_torch "$2" "$3" "$4" "$WORK/$5-torch-$3" score
    else
        say "$5 seed $3: torch";   run_torch "$2" "$3" "$4" "$WORK/$5-torch-$3" score
        say "$5 seed $3: marquee"; run_marquee "$2" "$3" "$4" "$WORK/$5-marquee-$3" score
    fi
}

SMALL="$WORK/small"
FRAC="$WORK/small-fraction"
[ -f "$SMALL/test_negatives.csv" ] || python3 "$BENCH/ncf_split.py" "$MARQUEE_ROOT/Data/ml-latest-small" "$SMALL" --seed 1 >&2
[ -f "$FRAC/users.csv" ] || python3 "$BENCH/ncf_split.py" "$MARQUEE_ROOT/Data/ml-latest-small" "$FRAC" \
    --holdout fraction --test-fraction 0.2 --seed 1 >&2
cat "$MARQUEE_ROOT/Data/ml-latest-small/ratings.csv" > /dev/null   # warm the page cache
i=0
for seed in $SEEDS; do
    both $((i % 2)) "$SMALL" "$seed" "$EPOCHS" small
    both $(((i + 1) % 2)) "$FRAC" "$seed" "$EPOCHS" fraction
    i=$((i + 1))
done

SYNTH="$WORK/ml20m-synth"
SLICE="$WORK/slice1m"
if [ "${SKIP_SLICE:-0}" != 1 ]; then
    [ -f "$SYNTH/ratings.csv" ] || "$BIN" synth --shape ml-20m --seed 42 --out "$SYNTH" >&2
    [ -f "$SLICE/test.csv" ] || python3 "$BENCH/ncf_split.py" "$SYNTH" "$SLICE" --seed 1 --max-positives 1000000 >&2
    cat "$SLICE/train/ratings.csv" > /dev/null
    for rep in 1 2; do
        if [ $rep -eq 1 ]; then
            say "slice rep $rep: marquee"; run_marquee "$SLICE" 1 1 "$WORK/slice-marquee-$rep"
        fi
        say "slice rep $rep: torch (SparseAdam)"; run_torch "$SLICE" 1 1 "$WORK/slice-torch-$rep" "$SLICE_STEPS" sparse
        say "slice rep $rep: torch (dense Adam)"; run_torch "$SLICE" 1 1 "$WORK/slice-torchdense-$rep" "$SLICE_STEPS" dense
        if [ $rep -eq 2 ]; then
            say "slice rep $rep: marquee"; run_marquee "$SLICE" 1 1 "$WORK/slice-marquee-$rep"
        fi
    done
fi

python3 "$BENCH/ncf_summary.py" "$WORK" "$SEEDS"
