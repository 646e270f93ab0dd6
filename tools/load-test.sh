#!/usr/bin/env bash
# Load test of `bitsieve serve` on loopback with wrk (bounded: about 4 minutes plus setup).
#   tools/load-test.sh [--duration 20] [--warmup 15] [--mixed 60] [--connections 16] [--docs 100000]
# Builds the CLI and bitsieve-bench (package, never install), starts a server on a free loopback port with a temporary data folder,
# fills a collection with 100,000 reference embeddings (../shared/embeddings, all-MiniLM-L6-v2), then runs:
#   1. search, vector query, k = 10, asymmetric (the default mode)        -> requests/s, p50/p99
#   2. search, vector query, k = 10, Hamming mode                         -> requests/s, p50/p99
#   3. encode, batches of 100 vectors (shipped 256-bit encoder)          -> requests/s x 100 = vectors/s, p99
#      (twice: vectors as JSON numbers, and as vectors_base64 float32)
#   4. mixed: 90% search, 10% writes of 10 new documents, --mixed seconds -> failed requests, and the final
#      document count checked against the acknowledged writes
# Results go to stdout and to results/server/load-test-<date>.txt. Needs wrk (Debian package 'wrk'; installed
# here with apt-get when missing and running as root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BITSIEVE_SHARED:-$ROOT/../shared}"
DURATION=20; WARMUP=15; MIXED=60; CONNS=16; DOCS=100000; WRK_THREADS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --mixed) MIXED="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --docs) DOCS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "wrk missing: installing the Debian package" >&2
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "wrk is needed: apt-get install wrk" >&2; exit 2
  fi
fi

E="$SHARED/embeddings/all-minilm-l6-v2"
[[ -d "$E" ]] || { echo "reference embeddings not found at $E (set BITSIEVE_SHARED)" >&2; exit 2; }

cd "$ROOT"
# the CLI for the server, bitsieve-bench's benchmarks.jar for LoadFixtures; rebuilt when a source is newer
stale() { [[ ! -f "$1" || -n "$(find . -path '*/target' -prune -o -newer "$1" -name '*.java' -print -quit)" ]]; }
if stale bitsieve-cli/target/bitsieve-cli.jar || stale bitsieve-bench/target/benchmarks.jar; then
  mvn -q -B -DskipTests -pl bitsieve-cli,bitsieve-bench -am package >&2
fi
CP="$ROOT/bitsieve-cli/target/bitsieve-cli.jar:$ROOT/bitsieve-cli/target/lib/*"
JAVA=(java -Dai.djl.offline=true -cp "$CP")

WORK="$(mktemp -d /tmp/bitsieve-load.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

KEYS="$("${JAVA[@]}" org.bitsieve.cli.Main keys new --role write --name load 2>/dev/null)"
export BITSIEVE_KEY="$(sed -n 's/^key: *//p' <<<"$KEYS")"
HASH="$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$KEYS")"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
# SERVER_JAVA_OPTS: extra JVM options for the server only (e.g. "-XX:+UseZGC" to compare collectors);
# SERVER_ARGS: extra `serve` flags (e.g. "--threads 8")
DJL_OFFLINE=true "${JAVA[@]}" -Xmx4g ${SERVER_JAVA_OPTS:-} org.bitsieve.cli.Main serve --data "$WORK/data" --port "$PORT" --key "write:$HASH" \
  --max-batch 1000 ${SERVER_ARGS:-} >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/serve.out" || { cat "$WORK/serve.err" >&2; exit 1; }

FIX=(java -cp "$ROOT/bitsieve-bench/target/benchmarks.jar" org.bitsieve.bench.server.LoadFixtures)
"${FIX[@]}" populate "$URL" "$BITSIEVE_KEY" load "$DOCS" "$E/imdb/train.npy" "$E/imdb/test.npy" "$E/emotion/train.npy" \
  "$E/banking77/train.npy" "$E/mr/train.npy" "$E/subj/train.npy" "$E/agnews/test.npy" "$E/sst2/train.npy" >&2
# queries from sets that are not in the collection
"${FIX[@]}" bodies "$WORK/bodies" "$E/trec/train.npy"
export BITSIEVE_LUA_DIR="$ROOT/tools/load" BITSIEVE_DIR="$WORK/bodies" BITSIEVE_COLLECTION=load

OUT="$ROOT/results/server"; mkdir -p "$OUT"
REPORT="$OUT/load-test-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# bitsieve serve load test, $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)${SERVER_JAVA_OPTS:+, server JVM options: $SERVER_JAVA_OPTS}${SERVER_ARGS:+, serve flags: $SERVER_ARGS}"
  echo "# collection: $DOCS documents (256-bit shipped witq encoder, no floats kept); wrk -t$WRK_THREADS -c$CONNS; ${WARMUP} s warm-up before each phase"
} | tee "$REPORT"

# CPU seconds the server process has used (user + system): divides out the other tenants of a shared machine
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }
run() { # name path bodies seconds
  local name="$1" c0 c1 line reqs
  c0="$(cpu)"
  BITSIEVE_PATH="$2" BITSIEVE_BODIES="$3" wrk -t"$WRK_THREADS" -c"$CONNS" -d"${4}s" --timeout 10s \
    -s "$ROOT/tools/load/replay.lua" "$URL" >"$WORK/$name.wrk" 2>&1 || true
  c1="$(cpu)"
  line="$(grep '^RESULT' "$WORK/$name.wrk" | sed 's/^RESULT //')"
  reqs="$(sed -n 's/^requests=\([0-9]*\).*/\1/p' <<<"$line")"
  echo "$name $line loadavg=$(cut -d' ' -f1 /proc/loadavg) server_cpu_s=$(python3 -c "print(round($c1 - $c0, 2))") server_cpu_ms_per_req=$(python3 -c "print(round(($c1 - $c0) * 1000 / max(1, $reqs), 3))")" | tee -a "$REPORT"
}
# warm-up before each phase, same endpoint, bodies and concurrency, not reported: with 5 s at 4 connections
# before the first phase only (until 2026-11-28), C2 was still compiling the HTTP stack for the first ~7 s of
# the measured asymmetric phase (-XX:+PrintCompilation), ~8% of the server's CPU in perf
warm() { # path bodies
  BITSIEVE_PATH="$1" BITSIEVE_BODIES="$2" wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" --timeout 10s \
    -s "$ROOT/tools/load/replay.lua" "$URL" >/dev/null 2>&1 || true
}
phase() { # name path bodies
  warm "$2" "$3"
  run "$1" "$2" "$3" "$DURATION"
}
phase search-asymmetric /v1/collections/load/search "$WORK/bodies/search.txt"
phase search-hamming /v1/collections/load/search "$WORK/bodies/search-hamming.txt"
phase encode-100 /v1/encode "$WORK/bodies/encode.txt"
phase encode-100-base64 /v1/encode "$WORK/bodies/encode-base64.txt"
for phase in encode-100 encode-100-base64; do
  ENC_RPS="$(sed -n "s/^$phase .*rps=\([0-9.]*\).*/\1/p" "$REPORT")"
  echo "$phase vectors/s = $(python3 -c "print(round($ENC_RPS * 100))")" | tee -a "$REPORT"
done

BEFORE="$("${FIX[@]}" count "$URL" "$BITSIEVE_KEY" load)"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"${MIXED}s" --timeout 10s -s "$ROOT/tools/load/mixed.lua" "$URL" >"$WORK/mixed.wrk" 2>&1 || true
LINE="$(grep '^RESULT' "$WORK/mixed.wrk" | sed 's/^RESULT //')"
echo "mixed-${MIXED}s $LINE loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$REPORT"
sleep 1 # requests wrk abandoned at its deadline may still complete on the server
AFTER="$("${FIX[@]}" count "$URL" "$BITSIEVE_KEY" load)"
WRITES="$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' <<<"$LINE")"
EXPECT=$((BEFORE + 10 * WRITES))
# every acknowledged write must be there; writes cut off by wrk's deadline (at most one per connection) may add more
LOST=$(( EXPECT > AFTER ? (EXPECT - AFTER) / 10 : 0 ))
EXTRA=$(( AFTER > EXPECT ? (AFTER - EXPECT) / 10 : 0 ))
echo "mixed check: documents before=$BEFORE after=$AFTER acknowledged_writes=$WRITES expected>=$EXPECT lost_writes=$LOST unacknowledged_but_applied=$EXTRA" | tee -a "$REPORT"
grep -E "Non-2xx|Socket errors" "$WORK"/*.wrk | sed 's#.*/##' | tee -a "$REPORT" || true
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$REPORT"
echo "report: $REPORT" >&2
[[ "$LOST" -eq 0 ]]
