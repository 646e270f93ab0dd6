#!/usr/bin/env bash
# Scale benchmark (docs/scaling.md, "Scale benchmark"): generated all-MiniLM-like vectors at growing sizes,
# exact float top-10 of 500 held-out queries, bulk load, recall / latency / QPS / ingest / open / heap / RSS / disk.
# Results: results/scale/scale.json and results/scale/index.html (rerunning adds or replaces sizes).
# Needs python3 with numpy (the exact top-10) and the shared data folder (../shared or BITSIEVE_SHARED).
#
#   tools/bench-scale.sh                                  # similarity check, ingest cost, 1M and 10M
#   tools/bench-scale.sh --parts scale --sizes 30000000 --floats-up-to 10000000 --heap 10g
#
# Data (collections, cached exact results) goes to --data (default /work/scale-data); collections are dropped
# after each size unless --keep true. The jar is copied there first, so rebuilding during a run is safe.
set -euo pipefail
cd "$(dirname "$0")/.."
heap=6g
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --heap) heap="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
data=/work/scale-data
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--data" ]] && data="${args[$((i + 1))]}"
done
export BITSIEVE_SHARED="${BITSIEVE_SHARED:-$(cd .. && pwd)/shared}"
python3 -c 'import numpy' || { echo "bench-scale: python3 with numpy is needed for the exact top-10" >&2; exit 2; }
[[ -f bitsieve-bench/target/benchmarks.jar ]] || mvn -B -ntp -q -pl bitsieve-bench -am package -DskipTests
mkdir -p "$data"
cp bitsieve-bench/target/benchmarks.jar "$data/bench-scale.jar"
exec java "-Xmx$heap" -cp "$data/bench-scale.jar" org.bitsieve.bench.scale.ScaleBench \
  --parts similarity,ingest,scale --sizes 1000000,10000000 --out results/scale --data "$data" "${args[@]}"
