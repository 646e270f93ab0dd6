#!/usr/bin/env bash
# Adapted thresholds through the product's own commands (docs/general-encoders.md, "Adapted thresholds"): per set, its
# train split shuffled with numpy seed 25, 20% held out as queries (the split of tools/adapt-measure.sh), the rest
# indexed codes-only with the shipped encoder, once adapted (the default) and once with --no-adapt, then the held-out
# rows classified codes-only (k = 10, --oversample 1) in both modes. Build first: ./bitsieve --version
# Usage: tools/adapt-thresholds-cli.sh [SET...]   (default: trec mr sst2 emotion)
set -euo pipefail
SHARED=${BITSIEVE_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}; M=$(cd "$(dirname "$0")/.." && pwd)
BS() { java -Xmx4g -Dai.djl.offline=true -cp "$M/bitsieve-cli/target/bitsieve-cli.jar:$M/bitsieve-cli/target/lib/*" org.bitsieve.cli.Main "$@"; }
OUT=$(mktemp -d)
SETS=("$@"); [ ${#SETS[@]} -eq 0 ] && SETS=(trec mr sst2 emotion)
for SET in "${SETS[@]}"; do
  D=$OUT/$SET; rm -rf $D; mkdir -p $D
  python3 - $SHARED $SET $D <<'PY'
import gzip, json, sys, numpy as np
shared, s, d = sys.argv[1:]
rows = [json.loads(l) for l in gzip.open(f"{shared}/data/{s}/train.jsonl.gz", "rt")]
x = np.load(f"{shared}/embeddings/all-minilm-l6-v2/{s}/train.npy").astype(np.float32)
p = np.random.default_rng(25).permutation(len(rows)); nq = len(rows)//5
with open(f"{d}/db.jsonl","w") as f:
    for i in p[nq:]: f.write(json.dumps({"id": f"r{i}", "text": rows[i]["text"], "label": rows[i]["label"]})+"\n")
with open(f"{d}/truth.jsonl","w") as f:
    for i in p[:nq]: f.write(json.dumps({"label": rows[i]["label"]})+"\n")
np.save(f"{d}/db.npy", x[p[nq:]]); np.save(f"{d}/q.npy", x[p[:nq]])
PY
  for A in adapt no-adapt; do
    EXTRA=""; [ $A = no-adapt ] && EXTRA="--no-adapt"
    BS index $D/c-$A --vectors $D/db.npy --docs $D/db.jsonl --general --keep-floats none -q $EXTRA > /dev/null
    for MODE in asymmetric hamming; do
      r=$(BS classify $D/c-$A --all --vector-file $D/q.npy --truth $D/truth.jsonl --mode $MODE --oversample 1 -q | grep -io "accuracy[^,;]*" | head -1)
      echo "$SET $A $MODE: $r"
    done
  done
  rm -rf $D
done
rm -rf "$OUT"
