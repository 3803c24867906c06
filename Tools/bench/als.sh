#!/usr/bin/env bash
# Marquee's ALS against the `implicit` library (implicit.cpu.als.AlternatingLeastSquares), same machine,
# same script. Run under both locks:  flock /tmp/marquee-build.lock flock /tmp/marquee-bench.lock Tools/bench/als.sh [quality|speed|all]
#
# quality: one random 80/20 split of Data/ml-latest-small per split seed written as two CSV files; both
#   libraries train on the train file with the same factors, λ, α, iterations (implicit gets the matrix
#   values 1 + α·r so its confidence equals Marquee's) for 3 seeds; both are scored by the same Swift
#   code (`marquee-bench als-bench`, implicit's vectors read from .npy): NDCG@10 and Recall@10, full ranking.
#   Then each library's out-of-the-box defaults: Marquee's config.yaml vs implicit's (factors 100,
#   λ 0.01, α 1 on the binary matrix), on three split seeds.
# speed: synthetic ML-20M (positives ≥ 4.0): 64 factors, 15 iterations, 2 threads, CG — alternating runs,
#   medians of wall time per iteration, peak memory (/usr/bin/time -v); Cholesky (3 iterations) and 128
#   factors once each.
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"
ensure_build_deps
ensure_apt time
ensure_pip implicit pandas scipy numpy
WHAT=${1:-all}
REPS=${REPS:-3}
WORK=/tmp/marquee-als-bench
mkdir -p "$WORK"
say "release build"
release_build >/dev/null 2>&1
M="$(release_bin_path)/marquee"
MB="$(release_bin_path)/marquee-bench"
PY="python3 Tools/bench/als_implicit.py"
export OPENBLAS_NUM_THREADS=1
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
mean() { python3 -c "import statistics,sys; print(statistics.mean(map(float, sys.argv[1:])))" "$@"; }

quality() {
    local F=${QF:-32} L=${QL:-20} A=${QA:-5} I=${QI:-15}
    say "quality parity on ml-latest-small: factors $F, λ $L, α $A, $I iterations, seeds 1 2 3"
    $PY split --ratings Data/ml-latest-small/ratings.csv --train "$WORK/train.csv" --test "$WORK/test.csv" --seed 1 >/dev/null
    local mn=() mr=() pn=() pr=()
    for seed in 1 2 3; do
        j=$("$MB" als-bench --train "$WORK/train.csv" --test "$WORK/test.csv" --factors $F --regularization $L --alpha $A \
            --iterations $I --seed $seed --threads 2)
        mn+=("$(field "$j" ndcg)"); mr+=("$(field "$j" recall)")
        $PY train --train "$WORK/train.csv" --out "$WORK/peer$seed" --factors $F --regularization $L --alpha $A \
            --iterations $I --seed $seed --threads 2 >/dev/null
        j=$("$MB" als-bench --train "$WORK/train.csv" --test "$WORK/test.csv" --peer "$WORK/peer$seed")
        pn+=("$(field "$j" ndcg)"); pr+=("$(field "$j" recall)")
        echo "seed $seed: marquee ndcg ${mn[-1]} recall ${mr[-1]} | implicit ndcg ${pn[-1]} recall ${pr[-1]}"
    done
    local a b c d
    a=$(mean "${mn[@]}"); b=$(mean "${pn[@]}"); c=$(mean "${mr[@]}"); d=$(mean "${pr[@]}")
    python3 -c "print(f'PARITY mean NDCG@10 marquee {$a:.4f} implicit {$b:.4f} ({($a/$b-1)*100:+.2f}%); Recall@10 marquee {$c:.4f} implicit {$d:.4f} ({($c/$d-1)*100:+.2f}%)')"

    say "out-of-the-box defaults: Marquee config.yaml vs implicit (factors 100, λ 0.01, α 1, binary values)"
    for split in 1 2 3; do
        $PY split --ratings Data/ml-latest-small/ratings.csv --train "$WORK/dtrain.csv" --test "$WORK/dtest.csv" --seed $split >/dev/null
        j=$("$MB" als-bench --train "$WORK/dtrain.csv" --test "$WORK/dtest.csv" --threads 2)
        $PY train --train "$WORK/dtrain.csv" --out "$WORK/dpeer" --factors 100 --regularization 0.01 --alpha 1 \
            --iterations 15 --seed 1 --threads 2 --values raw >/dev/null
        k=$("$MB" als-bench --train "$WORK/dtrain.csv" --test "$WORK/dtest.csv" --peer "$WORK/dpeer")
        echo "DEFAULTS split $split: marquee ndcg $(field "$j" ndcg) recall $(field "$j" recall) | implicit ndcg $(field "$k" ndcg) recall $(field "$k" recall)"
    done
}

# run_timed LABEL CMD... : runs CMD under /usr/bin/time -v; prints "seconds_per_iteration peak_MiB"
run_timed() {
    local label=$1; shift
    /usr/bin/time -v "$@" > "$WORK/out.json" 2> "$WORK/time.txt" || { cat "$WORK/time.txt" >&2; return 1; }
    local rss spi
    rss=$(awk -F: '/Maximum resident/ {print int($2/1024)}' "$WORK/time.txt")
    spi=$(field "$(tail -1 "$WORK/out.json")" seconds_per_iteration)
    echo "$label spi $spi peak_MiB $rss" >&2
    echo "$spi $rss"
}

speed() {
    local DATA=${SYNTH_DATA:-/tmp/marquee-als-ml20m}
    if [ ! -f "$DATA/ratings.csv" ]; then
        if "$M" synth --help >/dev/null 2>&1; then
            say "generating synthetic ML-20M with marquee synth"; "$M" synth --shape ml-20m --seed 42 --out "$DATA"
        else
            say "generating synthetic ML-20M with the fallback generator"; python3 Tools/bench/als_synth_fallback.py "$DATA"
        fi
    fi
    cat "$DATA/ratings.csv" > /dev/null   # warm the page cache for both sides
    local T="$DATA/ratings.csv"
    sp() {  # factors solver iterations reps
        local f=$1 s=$2 it=$3 reps=$4 ms=() ps=() mm=() pm=() r
        for rep in $(seq 1 "$reps"); do
            r=$(run_timed "marquee f$f $s" "$M" train --model als --train "$T" --regularization 0.5 --alpha 10 --factors $f --solver $s --iterations $it \
                --threads 2 --seed $rep --out "$WORK/synth.model" --json)
            ms+=("${r% *}"); mm+=("${r#* }")
            r=$(run_timed "implicit f$f $s" $PY train --train "$T" --out "$WORK/synthpeer" --factors $f --solver $s \
                --iterations $it --seed $rep --threads 2 --regularization 0.5 --alpha 10)
            ps+=("${r% *}"); pm+=("${r#* }")
        done
        local a b
        a=$(median "${ms[@]}"); b=$(median "${ps[@]}")
        python3 -c "print(f'SPEED factors $f $s: s/iteration marquee {$a:.3f} implicit {$b:.3f} ratio {$a/$b:.2f}; peak MiB marquee $(median "${mm[@]}") implicit $(median "${pm[@]}") (runs: $reps)')"
    }
    sp 64 cg 15 "$REPS"
    sp 128 cg 15 1
    sp 64 cholesky 3 1
}

case "$WHAT" in
    quality) quality ;;
    speed) speed ;;
    all) quality; speed ;;
esac
