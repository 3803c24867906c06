#!/usr/bin/env bash
# Serve benchmark: marquee serve against the FastAPI + uvicorn + implicit peer (Tools/bench/serve_peer.py),
# both on loopback on the same data, driven by wrk with one mix of requests (Tools/bench/serve_mix.lua:
# rotating users' recommendations, similar movies, newcomer POSTs) at 16 and 64 connections, alternating,
# then a wrk run on Marquee with several POST /api/v1/admin/reload calls during it. One JSON object on stdout.
#   Tools/bench/serve.sh [DATA_DIR]      env: SERVE_SECONDS (10), SERVE_REPS (2), SERVE_WORKERS (2)
# UNTESTED end to end as committed (no release build was available before the session's deadline).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$MARQUEE_ROOT"
DATA="${1:-Data/ml-latest-small}"
SECONDS_PER_RUN="${SERVE_SECONDS:-10}"; REPS="${SERVE_REPS:-2}"; WORKERS="${SERVE_WORKERS:-2}"
WORK="$(mktemp -d /tmp/marquee-servebench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

ensure_build_deps
ensure_apt wrk curl
ensure_pip numpy scipy pandas implicit fastapi "uvicorn[standard]"
flock /tmp/marquee-build.lock bash -c "source Tools/lib/common.sh; release_build --product marquee" >&2
BIN="$(release_bin_path)/marquee"
# The timed part holds both locks: no build and no other benchmark meanwhile.
exec 8>/tmp/marquee-build.lock; flock 8
exec 9>/tmp/marquee-bench.lock; flock 9
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/ready" >/dev/null && return 0; sleep 0.5; done; say "no /ready on port $1"; exit 1; }

python3 - "$DATA" "$WORK/requests.txt" <<'PY'
import random, sys, pandas as pd
df = pd.read_csv(f"{sys.argv[1]}/ratings.csv")
users = sorted(df.userId.unique()); liked = sorted(df[df.rating >= 4.0].movieId.unique())
r = random.Random(1); out = []
for n in range(6000):
    x = n % 10
    if x < 4: out.append(f"GET /api/v1/users/{r.choice(users)}/recommendations?k=10")
    elif x < 8: out.append(f"GET /api/v1/movies/{r.choice(liked)}/similar?k=10")
    else: out.append('POST /api/v1/recommendations {"likes":[%d,%d,%d],"k":10}' % tuple(r.sample(liked, 3)))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
python3 Tools/bench/serve_peer.py train --data "$DATA" --out "$WORK/peer" > "$WORK/peer-train.json"

MQ_PORT=$(free_port); PEER_PORT=$(free_port); TOKEN="bench-$RANDOM-$RANDOM"
MARQUEE_ADMIN_TOKEN="$TOKEN" "$BIN" serve --data "$DATA" --models-dir "$WORK/idx" --port "$MQ_PORT" --no-access-log 2> "$WORK/marquee.log" &
PIDS+=($!); MQ_PID=$!
SERVE_PEER_MODEL="$WORK/peer" OPENBLAS_NUM_THREADS=1 uvicorn serve_peer:app --app-dir Tools/bench --workers "$WORKERS" \
    --host 127.0.0.1 --port "$PEER_PORT" --no-access-log --log-level warning 2> "$WORK/peer.log" &
PIDS+=($!); PEER_PID=$!
wait_ready "$MQ_PORT"; wait_ready "$PEER_PORT"

run_wrk() {  # PORT CONNECTIONS SECONDS -> WRK_JSON line
    SERVE_REQUESTS="$WORK/requests.txt" wrk -t2 -c"$2" -d"$3"s -s Tools/bench/serve_mix.lua "http://127.0.0.1:$1" | grep '^WRK_JSON' | cut -d' ' -f2-
}
: > "$WORK/runs.jsonl"
for side in marquee peer; do port=$MQ_PORT; [ $side = peer ] && port=$PEER_PORT; run_wrk "$port" 16 2 >/dev/null; done   # warm-up
for c in 16 64; do
  for rep in $(seq "$REPS"); do
    order="marquee peer"; [ $((rep % 2)) = 0 ] && order="peer marquee"
    for side in $order; do
      port=$MQ_PORT; [ $side = peer ] && port=$PEER_PORT
      echo "{\"side\":\"$side\",\"connections\":$c,\"rep\":$rep,\"wrk\":$(run_wrk "$port" "$c" "$SECONDS_PER_RUN")}" >> "$WORK/runs.jsonl"
    done
  done
done
# Reload under load: a reload every few seconds during one wrk run on Marquee.
RELOAD_SECONDS=$((SECONDS_PER_RUN * 2))
( sleep 2; while :; do curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$MQ_PORT/api/v1/admin/reload" >> "$WORK/reloads.txt"; sleep 3; done ) & RELOADER=$!
echo "{\"side\":\"reload\",\"connections\":16,\"rep\":1,\"wrk\":$(run_wrk "$MQ_PORT" 16 "$RELOAD_SECONDS")}" >> "$WORK/runs.jsonl"
kill $RELOADER 2>/dev/null || true
rss() { awk '/VmRSS/ {print $2}' /proc/$1/status 2>/dev/null || echo 0; }
PEER_RSS=$(( $(rss $PEER_PID) + $(for p in $(pgrep -P $PEER_PID); do rss $p; done | paste -sd+ | bc 2>/dev/null || echo 0) ))
python3 - "$WORK/runs.jsonl" "$WORK/reloads.txt" "$DATA" "$WORKERS" "$(rss $MQ_PID)" "$PEER_RSS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
reloads = [l.strip() for l in open(sys.argv[2])] if __import__("os").path.exists(sys.argv[2]) else []
def side(name, c):
    rs = [r["wrk"] for r in runs if r["side"] == name and r["connections"] == c]
    return {"req_s": round(statistics.median(r["requests"] / r["duration_us"] * 1e6 for r in rs), 1),
            "p50_ms": round(statistics.median(r["latency_us"]["p50"] for r in rs) / 1000, 3),
            "p99_ms": round(statistics.median(r["latency_us"]["p99"] for r in rs) / 1000, 3),
            "errors": sum(sum(r["errors"].values()) for r in rs), "runs": len(rs)}
out = {"data": sys.argv[3], "peer_workers": int(sys.argv[4]), "rss_kb": {"marquee": int(sys.argv[5]), "peer": int(sys.argv[6])}, "connections": {}}
for c in (16, 64):
    m, p = side("marquee", c), side("peer", c)
    out["connections"][str(c)] = {"marquee": m, "peer": p, "req_s_ratio": round(m["req_s"] / p["req_s"], 2),
                                  "p99_ratio": round(m["p99_ms"] / p["p99_ms"], 3)}
rl = [r["wrk"] for r in runs if r["side"] == "reload"][0]
out["reload_under_load"] = {"reloads": len(reloads), "reload_statuses": sorted(set(reloads)), "requests": rl["requests"],
                            "errors": rl["errors"], "failed": sum(rl["errors"].values())}
print(json.dumps(out))
PY
