#!/usr/bin/env bash
# Times the synthetic data generators (release build) and checks the vector ground truth against FAISS.
# Usage: Tools/bench/synth.sh [OUT_ROOT (default /tmp/marquee-synth-bench)] [REPS (default 3)]
# Writes ML-20M-shaped CSVs (~510 MB) and a 1M x 64 vector set (~260 MB) under OUT_ROOT; never commits them.
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"
ensure_build_deps
ensure_pip numpy faiss-cpu
OUT="${1:-/tmp/marquee-synth-bench}"
REPS="${2:-3}"
mkdir -p "$OUT"
say "release build"
release_build >/dev/null
BIN="$(release_bin_path)/marquee"

say "ml-20m shape, $REPS runs (seed 42)"
times=()
for r in $(seq "$REPS"); do
    rm -rf "$OUT/ml-20m"
    start=$(date +%s.%N)
    "$BIN" synth --shape ml-20m --seed 42 --out "$OUT/ml-20m" --json > "$OUT/ml-20m.json"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    echo "run $r: ${times[-1]} s"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print "ml-20m median wall seconds:", a[int((NR+1)/2)]}'
cat "$OUT/ml-20m.json"; echo
sha256sum "$OUT/ml-20m/ratings.csv" "$OUT/ml-20m/movies.csv"

say "vectors 1,000,000 x 64, 10,000 queries, k=100 (seed 1)"
rm -rf "$OUT/vectors"
/usr/bin/time -f '%e s wall, %M KB peak' "$BIN" synth --shape vectors --count 1000000 --dim 64 --queries 10000 --k 100 --seed 1 --out "$OUT/vectors" --json

say "FAISS IndexFlatL2 on the same files (ground-truth check and peer timing)"
python3 "$(dirname "$0")/synth_groundtruth_check.py" "$OUT/vectors"
