#!/usr/bin/env bash
# The seed spread of the general encoder behind issue 3's targets: `bitsieve fit --general` with several seeds (the
# seed draws the 100,000-sentence sample and the witq fit), each benchmarked with `bitsieve bench --encoders` on the
# ten kNN sets and STS-B, then per-seed and mean differences to float32 (tools/summarize_bench_seeds.py).
# Usage: tools/bench-seeds.sh [--seeds "42 1 2 3 4 5 6 7 8 9 10 11"] [--model all-minilm-l6-v2] [--encoder witq] [--bits 256]
#        [--set NAME=VALUE] (an encoder setting for the fit, e.g. --set factorBits=8; adds -NAME-VALUE to the folder)
#        [--retrieval] (also SciFact for each seed, into seed-<N>/scifact/; ~10 s of benchmark per seed once its corpus is cached)
# Writes results/general-seeds/<model>/<encoder>-<bits>/seed-<N>/bench.{md,json} and SUMMARY.md next to them; the
# encoders go to results/tmp/general-seeds (not committed). Per seed on 2 cores, once the general corpus is in the
# embedding cache: the fit (~30 s, fitSeconds in its .json) and the benchmark (~1 min, in its bench.md); the first
# seed embeds every sentence it draws (~3 min per 100,000 with all-MiniLM).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="42 1 2 3 4 5 6 7 8 9 10 11"; MODEL=all-minilm-l6-v2; ENC=witq; BITS=256; SET=(); TAG=""; RETRIEVAL=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --encoder) ENC="$2"; shift 2 ;;
    --bits) BITS="$2"; shift 2 ;;
    --set) SET+=(--set "$2"); TAG="$TAG-${2/=/-}"; shift 2 ;;
    --retrieval) RETRIEVAL=1; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
OUT="results/general-seeds/$MODEL/$ENC-$BITS$TAG"
for seed in $SEEDS; do
  enc="results/tmp/general-seeds/$MODEL/$ENC-$BITS$TAG/seed-$seed"
  ./bitsieve fit --general -m "$MODEL" -e "$ENC" -b "$BITS" --seed "$seed" ${SET[@]+"${SET[@]}"} --output-dir "$enc" >/dev/null 2>&1
  ./bitsieve bench -m "$MODEL" --encoders "$enc" -b "$BITS" --tasks classification,sts --baselines none -q \
    -o "$OUT/seed-$seed" >/dev/null 2>&1
  if [[ $RETRIEVAL == 1 ]]; then
    ./bitsieve bench -m "$MODEL" --encoders "$enc" -b "$BITS" --tasks retrieval --baselines none -q \
      -o "$OUT/seed-$seed/scifact" >/dev/null 2>&1
    rm -f "$OUT/seed-$seed/scifact/bench.html"
  fi
  rm -f "$OUT/seed-$seed/bench.html" # the plots add nothing across seeds; bench.md has the tables
  echo "seed $seed done"
done
python3 tools/summarize_bench_seeds.py "$OUT" > "$OUT/SUMMARY.md"
cat "$OUT/SUMMARY.md"
