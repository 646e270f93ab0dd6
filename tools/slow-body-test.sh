#!/usr/bin/env bash
# Search latency while slow-body connections are open (issue: slow request bodies stopped all service).
#   tools/slow-body-test.sh [--slow 64] [--duration 20] [--connections 4] [--docs 10000]
# Builds the CLI and bitsieve-bench (package, never install), starts `bitsieve serve` on a free loopback port with a temporary data
# folder (SERVER_ARGS adds serve flags, e.g. "--threads 8"), fills a collection with reference embeddings, then:
#   1. baseline: wrk searches (vector query, k = 10) for --duration seconds        -> p50/p99, non-2xx
#   2. the same while --slow sockets with a valid read-only key each send request headers and then one body byte
#      every 2 s (reconnecting when the server closes them)                         -> p50/p99, non-2xx, and how
#      the slow requests were answered (408 request_timeout expected)
# Results go to stdout and results/server/slow-body-<date>.txt. Needs wrk (Debian package 'wrk').
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BITSIEVE_SHARED:-$ROOT/../shared}"
SLOW=64; DURATION=20; CONNS=4; DOCS=10000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --slow) SLOW="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --docs) DOCS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
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

WORK="$(mktemp -d /tmp/bitsieve-slow.XXXXXX)"
SERVER_PID=""; SLOW_PID=""
cleanup() {
  if [[ -n "$SLOW_PID" ]] && kill -0 "$SLOW_PID" 2>/dev/null; then kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null || true; fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

WKEYS="$("${JAVA[@]}" org.bitsieve.cli.Main keys new --role write --name load 2>/dev/null)"
RKEYS="$("${JAVA[@]}" org.bitsieve.cli.Main keys new --role read --name slow 2>/dev/null)"
export BITSIEVE_KEY="$(sed -n 's/^key: *//p' <<<"$WKEYS")"
READ_KEY="$(sed -n 's/^key: *//p' <<<"$RKEYS")"
WHASH="$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$WKEYS")"
RHASH="$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$RKEYS")"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
DJL_OFFLINE=true "${JAVA[@]}" -Xmx2g org.bitsieve.cli.Main serve --data "$WORK/data" --port "$PORT" --key "write:$WHASH" \
  --key "read:$RHASH" ${SERVER_ARGS:-} >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/serve.out" || { cat "$WORK/serve.err" >&2; exit 1; }

FIX=(java -cp "$ROOT/bitsieve-bench/target/benchmarks.jar" org.bitsieve.bench.server.LoadFixtures)
"${FIX[@]}" populate "$URL" "$BITSIEVE_KEY" load "$DOCS" "$E/imdb/train.npy" >&2
"${FIX[@]}" bodies "$WORK/bodies" "$E/trec/train.npy"
export BITSIEVE_LUA_DIR="$ROOT/tools/load" BITSIEVE_DIR="$WORK/bodies" BITSIEVE_COLLECTION=load

OUT="$ROOT/results/server"; mkdir -p "$OUT"
REPORT="$OUT/slow-body-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# bitsieve serve under slow request bodies, $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)${SERVER_ARGS:+, serve flags: $SERVER_ARGS}"
  echo "# $DOCS documents; searches: wrk -t2 -c$CONNS -d${DURATION}s; slow: $SLOW sockets (read key), one body byte every 2 s"
} | tee "$REPORT"
search() { # name
  BITSIEVE_PATH=/v1/collections/load/search BITSIEVE_BODIES="$WORK/bodies/search.txt" wrk -t2 -c"$CONNS" -d"${DURATION}s" \
    --timeout 10s -s "$ROOT/tools/load/replay.lua" "$URL" >"$WORK/$1.wrk" 2>&1 || true
  echo "$1 $(grep '^RESULT' "$WORK/$1.wrk" | sed 's/^RESULT //') loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$REPORT"
}
search warmup >/dev/null
search baseline

python3 - "$PORT" "$READ_KEY" "$SLOW" "$WORK/slow.txt" <<'PY' &
import socket, sys, threading, time, collections
port, key, n, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
body = b'{"vector": [' + b",".join([b"0.05"] * 384) + b'], "k": 10}'
head = ("POST /v1/collections/load/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (key, len(body))).encode()
answers = collections.Counter()
lock = threading.Lock()
def client():
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port)); s.settimeout(60)
            s.sendall(head)
            for i in range(len(body)):
                s.sendall(body[i:i + 1]); time.sleep(2)
        except OSError:
            pass
        try:
            r = s.recv(200).split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
        except OSError:
            r = "closed"
        with lock:
            answers[r] += 1
            open(out, "w").write(" ".join("%s=%d" % (k.replace(" ", "_"), v) for k, v in sorted(answers.items())))
        s.close()
for _ in range(n):
    threading.Thread(target=client, daemon=True).start()
time.sleep(10 ** 6)
PY
SLOW_PID=$!
sleep 5 # every slow socket connected and trickling
search "with-$SLOW-slow"
echo "slow requests answered: $(cat "$WORK/slow.txt" 2>/dev/null || echo none)" | tee -a "$REPORT"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$REPORT"
echo "report: $REPORT" >&2
