#!/usr/bin/env bash
# Adapted collections (issue 25 item 3), measured with the product's own commands on validation data only:
# each set's train split is shuffled (numpy seed 25), 20% held out as queries, the rest indexed with the shipped
# general encoder and f16 floats; classify the held-out rows codes-only (asymmetric, k = 10, --oversample 1), refit,
# classify again. Float32 kNN accuracy on the same split is computed exactly (numpy).
# Usage: tools/adapt-measure.sh OUT_DIR SET... (SPLIT=test to index train and query test: the final table, run once)
set -euo pipefail
OUT=$1; shift
SHARED=${BITSIEVE_SHARED:-/work/shared}
CLI=${ADAPT_CLI:-/tmp/adapt/cli}
BS() { java ${BITSIEVE_JAVA_OPTS:--Xmx3g} -Dai.djl.offline=true -cp "$CLI/bitsieve-cli.jar:$CLI/lib/*" org.bitsieve.cli.Main "$@"; }
mkdir -p "$OUT"
for SET in "$@"; do
  D="$OUT/$SET"; rm -rf "$D"; mkdir -p "$D"
  python3 - "$SHARED" "$SET" "$D" "${SPLIT:-validation}" <<'PY'
import gzip, json, sys, numpy as np
shared, s, d, split = sys.argv[1:]
emb = f"{shared}/embeddings/all-minilm-l6-v2/{s}"
rows = [json.loads(l) for l in gzip.open(f"{shared}/data/{s}/train.jsonl.gz", "rt")]
x = np.load(f"{emb}/train.npy").astype(np.float32)
assert len(rows) == len(x), (len(rows), len(x))
if split == "test":
    qrows = [json.loads(l) for l in gzip.open(f"{shared}/data/{s}/test.jsonl.gz", "rt")]
    qx = np.load(f"{emb}/test.npy").astype(np.float32)
    db, dbx = rows, x
else:
    p = np.random.default_rng(25).permutation(len(rows))
    nq = len(rows) // 5
    qrows = [rows[i] for i in p[:nq]]; qx = x[p[:nq]]
    db = [rows[i] for i in p[nq:]]; dbx = x[p[nq:]]
with open(f"{d}/db.jsonl", "w") as f:
    for i, r in enumerate(db):
        f.write(json.dumps({"id": f"r{i}", "text": r["text"], "label": r["label"]}) + "\n")
with open(f"{d}/truth.jsonl", "w") as f:
    for r in qrows:
        f.write(json.dumps({"label": r["label"]}) + "\n")
np.save(f"{d}/db.npy", dbx); np.save(f"{d}/q.npy", qx)
# exact float32 kNN (k = 10, dot product on the unit vectors, majority vote, ties to the nearest)
lab = np.array([r["label"] for r in db]); ok = 0
for a in range(0, len(qx), 512):
    s_ = qx[a:a+512] @ dbx.T
    top = np.argsort(-s_, axis=1, kind="stable")[:, :10]
    for i, t in enumerate(top):
        votes = {}
        for rank, j in enumerate(t):
            votes.setdefault(lab[j], [0, rank]); votes[lab[j]][0] += 1
        best = max(votes.items(), key=lambda kv: (kv[1][0], -kv[1][1]))[0]
        ok += best == qrows[a + i]["label"]
print(f"{s}: {len(db)} db rows, {len(qx)} queries; float32 kNN k=10 accuracy {100*ok/len(qx):.2f}")
open(f"{d}/float.txt", "w").write(f"{100*ok/len(qx):.4f}\n")
PY
  C="$D/coll"
  BS index "$C" --vectors "$D/db.npy" --docs "$D/db.jsonl" --general --keep-floats f16 --auto-refit 0 -q > "$D/index.log"
  BS classify "$C" --all --vector-file "$D/q.npy" --truth "$D/truth.jsonl" --mode asymmetric --oversample 1 -q > "$D/before.txt"
  BS refit "$C" ${REFIT_ARGS:-} > "$D/refit.txt"
  BS classify "$C" --all --vector-file "$D/q.npy" --truth "$D/truth.jsonl" --mode asymmetric --oversample 1 -q > "$D/after.txt"
  echo "== $SET float $(cat "$D/float.txt")"; cat "$D/before.txt" "$D/refit.txt" "$D/after.txt"
  rm -rf "$C" "$D/db.npy" "$D/q.npy"
done
