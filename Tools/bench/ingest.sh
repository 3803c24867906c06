#!/usr/bin/env bash
# Ingestion benchmark: Marquee (CSV → Interactions: CSR + CSC with values and timestamps, catalogue) and its
# binary cache against pandas (read_csv C engine, read_csv pyarrow engine, and the full pipeline
# read_csv + factorize + scipy CSR of the positives), on the same ratings.csv, in the same run.
#
# Usage: Tools/bench/ingest.sh [DATA_DIR] [REPETITIONS]
#   DATA_DIR defaults to /tmp/marquee-ingest-bench/ml-20m-synth, generated with
#   `marquee synth --shape ml-20m --seed 42` when it holds no ratings.csv.
# Run it under both locks (one build or benchmark at a time on the machine; the script takes none itself):
#   flock /tmp/marquee-build.lock flock /tmp/marquee-bench.lock Tools/bench/ingest.sh
# The file is read once before each repetition so both sides find it in the page cache, the sides alternate, and the
# medians of the repetitions are reported with peak RSS from /usr/bin/time -v.
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"
ensure_build_deps
ensure_apt time
ensure_pip pandas pyarrow scipy numpy

DATA="${1:-/tmp/marquee-ingest-bench/ml-20m-synth}"
REPS="${2:-3}"
SMALL="$MARQUEE_ROOT/Data/ml-latest-small"

say "release build"
release_build 2>&1 | tail -1 >&2
BIN="$(release_bin_path)/marquee"
if [ ! -f "$DATA/ratings.csv" ]; then
    say "generating $DATA (marquee synth --shape ml-20m --seed 42)"
    "$BIN" synth --shape ml-20m --seed 42 --out "$DATA" >&2
fi
WORK="$(mktemp -d /tmp/marquee-ingest-bench.XXXXXX)"
MODELS="$WORK/models"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

# measure NAME DATASET COMMAND...: runs COMMAND under /usr/bin/time -v; records in-process seconds (the
# "seconds" key of the JSON on stdout), wall seconds and peak RSS.
measure() {
    local dataset="$1" name="$2"; shift 2
    local out="$WORK/out.json" timing="$WORK/time.txt"
    /usr/bin/time -v -o "$timing" "$@" > "$out"
    local inproc wall rss
    inproc=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['seconds'])" "$out")
    wall=$(python3 - "$timing" <<'PY'
import sys
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        t = line.rsplit(" ", 1)[1].strip().split(":")
        print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(t))))
PY
)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
    printf '%s\t%s\t%s\t%s\t%s\n' "$dataset" "$name" "$inproc" "$wall" "$rss" >> "$RESULTS"
    printf '%-10s %-22s in-process %8.3f s  wall %7.2f s  peak %6d MB\n' "$dataset" "$name" "$inproc" "$wall" $((rss / 1024)) >&2
}

run_all() {
    local csv="$DATA/ratings.csv"
    say "first ingest of $DATA (parse + write cache)"
    cat "$csv" > /dev/null
    measure ml-20m marquee_first_ingest "$BIN" ingest --data "$DATA" --models-dir "$MODELS" --json
    for rep in $(seq 1 "$REPS"); do
        say "repetition $rep/$REPS"
        cat "$csv" > /dev/null
        measure ml-20m marquee_parse "$BIN" ingest --data "$DATA" --models-dir "$MODELS" --no-cache --json
        cat "$csv" > /dev/null
        measure ml-20m pandas_pipeline python3 Tools/bench/ingest_pandas.py pipeline "$csv"
        # The cache file is warmed like the CSV before each parse: the kernel's idle-page reclaim (DAMON)
        # drops files left unread for a few seconds, and a cold read measures the disk, not the loader.
        cat "$MODELS"/*/dataset.cache > /dev/null
        measure ml-20m marquee_cache "$BIN" ingest --data "$DATA" --models-dir "$MODELS" --json
        cat "$csv" > /dev/null
        measure ml-20m pandas_read_csv python3 Tools/bench/ingest_pandas.py read_csv "$csv"
        cat "$csv" > /dev/null
        measure ml-20m pandas_pyarrow python3 Tools/bench/ingest_pandas.py pyarrow "$csv"
    done
    say "ml-latest-small"
    measure small marquee_first_ingest "$BIN" ingest --data "$SMALL" --models-dir "$MODELS" --json
    for rep in $(seq 1 "$REPS"); do
        measure small marquee_parse "$BIN" ingest --data "$SMALL" --models-dir "$MODELS" --no-cache --json
        measure small marquee_cache "$BIN" ingest --data "$SMALL" --models-dir "$MODELS" --json
        measure small pandas_pipeline python3 Tools/bench/ingest_pandas.py pipeline "$SMALL/ratings.csv"
        measure small pandas_read_csv python3 Tools/bench/ingest_pandas.py read_csv "$SMALL/ratings.csv"
    done
}

run_all

python3 Tools/bench/ingest_summary.py "$RESULTS" "$DATA/ratings.csv"
say "raw results: $RESULTS"
