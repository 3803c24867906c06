#!/usr/bin/env bash
# NeuMF, Marquee vs a PyTorch reference (Tools/bench/ncf_torch.py), same data, model and training.
#
#   Tools/bench/ncf.sh [EPOCHS] [SEEDS] [SLICE_TORCH_STEPS]
#   (defaults: 10 epochs, seeds "1 2 3", 1500 timed PyTorch steps on the 1M-positive slice)
#
# 1. ml-latest-small: leave-one-out split (latest positive per user = test, 100 sampled unrated movies per
#    test user, Tools/bench/ncf_split.py). For every seed, alternating which side goes first: train NeuMF
#    (factors 8, layers 64,32,16,8, 4 negatives, batch 256, Adam lr 0.001, no L2, EPOCHS epochs), write the
#    test users' scores over all movies, and score both sides with ONE evaluator (ncf_eval.py): HR@10 and
#    NDCG@10 among the same 100 negatives, full-ranking HR@10 / NDCG@10. Epoch time (sampling included)
#    and peak RSS (/usr/bin/time) of each run.
# 2. A 1,000,000-positive slice of the synthetic ML-20M (marquee synth --shape ml-20m --seed 42; the first
#    users by id whose positives add up to 1M): one epoch each, twice, alternating. PyTorch times
#    SLICE_TORCH_STEPS steps and extrapolates to the full epoch (its epoch is ~20k steps).
# Both sides use 2 threads (MARQUEE_THREADS=2, torch.set_num_threads(2)). Run it under the bench lock:
#   flock /tmp/marquee-bench.lock Tools/bench/ncf.sh
source "$(dirname "$0")/../lib/common.sh"
EPOCHS="${1:-10}"
SEEDS="${2:-1 2 3}"
SLICE_STEPS="${3:-1500}"
ensure_build_deps
ensure_pip torch pandas numpy
cd "$MARQUEE_ROOT"
say "release build"
swift build -c release >&2
BIN="$MARQUEE_ROOT/.build/release/marquee"
BENCH="$MARQUEE_ROOT/Tools/bench"
WORK="${NCF_BENCH_DIR:-/tmp/marquee-ncf-bench}"
mkdir -p "$WORK"
export MARQUEE_THREADS=2
ARCH=(--factors 8 --layers 64,32,16,8 --negatives 4 --batch-size 256 --lr 0.001)

run_marquee() { # split-dir seed epochs out-prefix [score]
    /usr/bin/time -f "%M" -o "$4.rss" "$BIN" train --data "$1/train" --models-dir "$WORK/idx" --model neumf \
        "${ARCH[@]}" --epochs "$3" --seed "$2" --no-validation --out "$4.model" --json > "$4.json"
    if [ "${5:-}" = score ]; then
        "$BIN" export-scores --model "$4.model" --users "$1/test.csv" --out "$4.npy"
        python3 "$BENCH/ncf_eval.py" "$1" "$4.npy" > "$4.metrics.json"
    fi
}
run_torch() { # split-dir seed epochs out-prefix [score|steps]
    local extra=()
    if [ "${5:-}" = score ]; then extra=(); else extra=(--no-scores --max-steps "$5"); fi
    /usr/bin/time -f "%M" -o "$4.rss" python3 "$BENCH/ncf_torch.py" "$1/train" "$1/test.csv" "$4.npy" \
        --factors 8 --layers 64,32,16,8 --negatives 4 --batch-size 256 --lr 0.001 \
        --epochs "$3" --seed "$2" --threads 2 "${extra[@]}" > "$4.json"
    if [ "${5:-}" = score ]; then python3 "$BENCH/ncf_eval.py" "$1" "$4.npy" > "$4.metrics.json"; fi
}

SMALL="$WORK/small"
[ -f "$SMALL/test_negatives.csv" ] || python3 "$BENCH/ncf_split.py" "$MARQUEE_ROOT/Data/ml-latest-small" "$SMALL" --seed 1 >&2
cat "$MARQUEE_ROOT/Data/ml-latest-small/ratings.csv" > /dev/null   # warm the page cache
i=0
for seed in $SEEDS; do
    if [ $((i % 2)) -eq 0 ]; then
        say "small seed $seed: marquee"; run_marquee "$SMALL" "$seed" "$EPOCHS" "$WORK/small-marquee-$seed" score
        say "small seed $seed: torch";   run_torch "$SMALL" "$seed" "$EPOCHS" "$WORK/small-torch-$seed" score
    else
        say "small seed $seed: torch";   run_torch "$SMALL" "$seed" "$EPOCHS" "$WORK/small-torch-$seed" score
        say "small seed $seed: marquee"; run_marquee "$SMALL" "$seed" "$EPOCHS" "$WORK/small-marquee-$seed" score
    fi
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
            say "slice rep $rep: torch";   run_torch "$SLICE" 1 1 "$WORK/slice-torch-$rep" "$SLICE_STEPS"
        else
            say "slice rep $rep: torch";   run_torch "$SLICE" 1 1 "$WORK/slice-torch-$rep" "$SLICE_STEPS"
            say "slice rep $rep: marquee"; run_marquee "$SLICE" 1 1 "$WORK/slice-marquee-$rep"
        fi
    done
fi

python3 - "$WORK" "$SEEDS" <<'PY'
import json, statistics as st, sys, os
work, seeds = sys.argv[1], sys.argv[2].split()
def load(p): return json.load(open(p))
def rss(p): return int(open(p).read().split()[-1]) / 1024
keys = ["hr10_sampled", "ndcg10_sampled", "hr10_full", "ndcg10_full"]
print("## ml-latest-small, NeuMF, mean over seeds", " ".join(seeds))
rows = {}
for side in ["marquee", "torch"]:
    ms = [load(f"{work}/small-{side}-{s}.metrics.json") for s in seeds]
    ep = [e["seconds"] for s in seeds for e in load(f"{work}/small-{side}-{s}.json")["epochs"]]
    loss = [load(f"{work}/small-{side}-{s}.json")["epochs"][-1]["loss"] for s in seeds]
    rows[side] = {k: st.mean(m[k] for m in ms) for k in keys}
    rows[side]["epoch_s"] = st.median(ep)
    rows[side]["rss_mb"] = max(rss(f"{work}/small-{side}-{s}.rss") for s in seeds)
    rows[side]["final_loss"] = st.mean(loss)
    rows[side]["per_seed"] = [[round(m[k], 4) for k in keys] for m in ms]
for side in rows: print(side, json.dumps(rows[side]))
for k in keys + ["final_loss"]:
    print(f"{k}: marquee/torch - 1 = {rows['marquee'][k] / rows['torch'][k] - 1:+.2%}")
print(f"epoch time: marquee {rows['marquee']['epoch_s']:.2f}s, torch {rows['torch']['epoch_s']:.2f}s, "
      f"ratio {rows['marquee']['epoch_s'] / rows['torch']['epoch_s']:.3f}")
if os.path.exists(f"{work}/slice-marquee-1.json"):
    print("## 1M-positive slice of synthetic ML-20M, one epoch, 2 reps")
    m = [load(f"{work}/slice-marquee-{r}.json") for r in (1, 2)]
    t = [load(f"{work}/slice-torch-{r}.json") for r in (1, 2)]
    me = st.median(x["epochs"][0]["seconds"] for x in m); te = st.median(x["epochs"][0]["seconds"] for x in t)
    print(f"positives {m[0]['positives']}, users {m[0]['users']}, items {m[0]['items']}, samples/epoch {m[0]['samples_per_epoch']}")
    print(f"epoch time: marquee {me:.2f}s, torch {te:.2f}s (extrapolated from {t[0]['epochs'][0]['steps_timed']} of "
          f"{t[0]['epochs'][0]['steps']} steps), ratio {me / te:.4f}")
    print(f"peak RSS: marquee {max(rss(f'{work}/slice-marquee-{r}.rss') for r in (1, 2)):.0f} MB, "
          f"torch {max(rss(f'{work}/slice-torch-{r}.rss') for r in (1, 2)):.0f} MB")
    print(f"small peak RSS: marquee {rows['marquee']['rss_mb']:.0f} MB, torch {rows['torch']['rss_mb']:.0f} MB")
PY
