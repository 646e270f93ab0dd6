#!/usr/bin/env bash
# Issue 25's selection protocol (docs/general-encoders.md, "Selection protocol"): fit general-encoder candidates with
# `bitsieve fit --general` (kind x passage share x seed, optional settings), then measure them all in one
# `bitsieve bench --validation` run (held-out 20% of each train split against the rest, STS-B dev; no test row),
# next to the shipped encoder, so the data and the float32 kNN are computed once.
# Usage: tools/validation-grid.sh NAME [--kinds "witq itq"] [--shares "0 0.1 0.2158 0.5 1"] [--seeds "42"]
#        [--bits 256] [--model all-minilm-l6-v2] [--set NAME=VALUE] (adds -NAME-VALUE to the candidates' folders)
#        [--fit-only] (fit, no bench) [--also "DIR ..."] (more fitted folders to measure in the same run)
# Writes results/validation/<model>/NAME/bench.{md,json}; the encoders go to results/tmp/validation/<model>/
# <kind>-<bits><tags>/share-<S>/seed-<N> (not committed; a folder fitted before is reused).
# Then: python3 tools/summarize_validation.py results/validation/<model>
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="$1"; shift
KINDS="witq itq"; SHARES="0 0.1 0.2158 0.5 1"; SEEDS="42"; BITS=256; MODEL=all-minilm-l6-v2; SET=(); TAG=""; FITONLY=0; ALSO=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kinds) KINDS="$2"; shift 2 ;;
    --shares) SHARES="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --bits) BITS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --set) SET+=(--set "$2"); TAG="$TAG-${2/=/-}"; shift 2 ;;
    --fit-only) FITONLY=1; shift ;;
    --also) ALSO="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
DIRS=()
for share in $SHARES; do
  for seed in $SEEDS; do
    for kind in $KINDS; do
      enc="results/tmp/validation/$MODEL/$kind-$BITS$TAG/share-$share/seed-$seed"
      if [[ ! -f "$enc/$MODEL-$BITS.bse" ]]; then
        mkdir -p "$enc"
        ./bitsieve fit --general -m "$MODEL" -e "$kind" -b "$BITS" --seed "$seed" --passage-share "$share" \
          ${SET[@]+"${SET[@]}"} --output-dir "$enc" >"$enc/fit.log" 2>&1
        echo "fitted $enc ($(date -u +%H:%M))"
      fi
      DIRS+=("$enc")
    done
  done
done
[[ $FITONLY == 1 ]] && exit 0
for d in $ALSO; do DIRS+=("$d"); done
out="results/validation/$MODEL/$NAME"
LIST=$(IFS=,; echo "${DIRS[*]}")
mkdir -p "$out"
./bitsieve bench --validation -m "$MODEL" -b "$BITS" --baselines none --candidates "$LIST" -q -o "$out" >/dev/null 2>"$out/bench.log" || {
  cat "$out/bench.log" >&2; exit 1; }
rm -f "$out/bench.html" # the plots add little here; bench.md has the tables
python3 tools/summarize_validation.py "results/validation/$MODEL"
