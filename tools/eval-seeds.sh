#!/usr/bin/env bash
# The seed spread behind issue 7's targets: the default encoder fitted with several seeds on IMDB and the seven
# sentence sets, and per-seed averages (single small-set Hamming numbers move by up to 5 points with the seed alone).
# Usage: tools/eval-seeds.sh [--seeds "42 1 2 3 4 5 6 7 8 9 10 11"] [--encoder witq] [--bits 256]
# Writes results/seeds/seed-<N>/<dataset>/eval.{md,json} and results/seeds/SUMMARY.md. About 3 min per seed (2 cores).
# Seeds already in results/seeds are run again (and overwritten); the summary covers every seed folder there.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="42 1 2 3 4 5 6 7 8 9 10 11"; ENC=witq; BITS=256
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --encoder) ENC="$2"; shift 2 ;;
    --bits) BITS="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
for seed in $SEEDS; do
  for ds in imdb mr sst2 trec banking77 emotion subj cr; do
    ./bitsieve eval --dataset "$ds" -e "$ENC" -b "$BITS" --seed "$seed" -q -o "results/seeds/seed-$seed/$ds" >/dev/null
    echo "seed $seed $ds done"
  done
done
python3 tools/summarize_seeds.py results/seeds > results/seeds/SUMMARY.md
cat results/seeds/SUMMARY.md
