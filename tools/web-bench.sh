#!/usr/bin/env bash
# Benchmark of search in the browser (docs/web.md): IMDB 50,000 reviews (train + test texts and reference
# vectors), witq 256 bits, exported with 200-character snippets, measured in headless Chromium.
#   tools/web-bench.sh [WORKDIR]      (default /tmp/bitsieve-web-bench; ~4 min, most of it the witq fit)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/bitsieve-web-bench}"
SHARED="${BITSIEVE_SHARED:-$ROOT/../shared}"
EMB="$SHARED/embeddings/all-minilm-l6-v2/imdb"
DATA="$SHARED/data/imdb"
(cd "$ROOT" && mvn -q -o -B -DskipTests package -pl bitsieve-cli -am)
bs() { DJL_OFFLINE=true java -Xmx8g -Dai.djl.offline=true -cp "$ROOT/bitsieve-cli/target/bitsieve-cli.jar:$ROOT/bitsieve-cli/target/lib/*" org.bitsieve.cli.Main "$@"; }
mkdir -p "$WORK"
if [ ! -f "$WORK/imdb/MANIFEST" ]; then
  bs index "$WORK/imdb" --vectors "$EMB/train.npy" --docs "$DATA/train.jsonl.gz" --keep-floats none -q
  bs index "$WORK/imdb" --vectors "$EMB/test.npy" --docs "$DATA/test.jsonl.gz" -q
fi
rm -rf "$WORK/bundle" "$WORK/bundle-model"
bs export-web "$WORK/imdb" "$WORK/bundle" --snippet 200
bs export-web "$WORK/imdb" "$WORK/bundle-model" --snippet 200 --with-model
cd "$ROOT/web"
[ -d node_modules ] || npm ci --no-audit --no-fund
node scripts/build.mjs >/dev/null
node bench/run.mjs --bundle "$WORK/bundle" --bundle-model "$WORK/bundle-model" \
  --queries "$SHARED/embeddings/all-minilm-l6-v2/sst2/test.npy" --texts "$SHARED/data/sst2/test.jsonl.gz" \
  --long-texts "$DATA/test.jsonl.gz" --runs 5
