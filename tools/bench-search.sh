#!/usr/bin/env bash
# Runs bitsieve's single-thread Hamming top-k scan and FAISS IndexBinaryFlat (1 thread) on the same
# 1,000,000 random 256-bit codes and the same queries, in one run, checks they agree, and prints the ratio.
#
# usage: tools/bench-search.sh [n=1000000] [bits=256] [nq=100] [k=10] [repeats=7]
# env:   OUT (work dir, default /tmp/bitsieve-bench-search), JAVA (default java), PY (default /usr/bin/python3),
#        BUILD=1 to rebuild bitsieve-core + bitsieve-bench first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-1000000}"; BITS="${2:-256}"; NQ="${3:-100}"; K="${4:-10}"; REPEATS="${5:-7}"
OUT="${OUT:-/tmp/bitsieve-bench-search}"
JAVA="${JAVA:-java}"
PY="${PY:-/usr/bin/python3}"
JAR="$ROOT/bitsieve-bench/target/benchmarks.jar"

if [[ "${BUILD:-0}" == 1 || ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -q -pl bitsieve-bench -am package -DskipTests)
fi
if ! "$PY" -c 'import faiss, numpy' 2>/dev/null; then
  echo "faiss/numpy not importable by $PY; install with: apt-get install -y python3-faiss python3-numpy" >&2
  exit 2
fi

echo "# $(date -u +%FT%TZ)  nproc=$(nproc)  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')  load=$(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -Xms2g -Xmx2g -cp "$JAR" org.bitsieve.bench.SearchCompare "$OUT" "$N" "$BITS" "$NQ" "$K" "$REPEATS"
OMP_NUM_THREADS=1 "$PY" "$ROOT/tools/faiss_compare.py" "$OUT" "$REPEATS"
