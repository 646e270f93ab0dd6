#!/usr/bin/env bash
# Effect of the quantized (-q) embedding model on kNN accuracy after compression: embeds a dataset folder with
# the float and the -q all-MiniLM-L6-v2 (through the embedding cache) and evaluates the default encoder on both.
# Usage: tools/quantized-model-eval.sh [dataset, default mr]
set -euo pipefail
cd "$(dirname "$0")/.."
ds="${1:-mr}"
shared="${BITSIEVE_SHARED:-$(cd .. && pwd)/shared}"
for m in all-minilm-l6-v2 all-minilm-l6-v2-q; do
  ./bitsieve eval -q --data-dir "$shared/data/$ds" -m "$m" -e witq,pcaq -b 128,256 -o "results/models/$ds-$m"
done
