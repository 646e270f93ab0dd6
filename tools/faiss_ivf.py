#!/usr/bin/python3
"""FAISS IndexBinaryIVF on the scale benchmark's codes (run by ScaleBench --parts faiss; Debian python3-faiss).

Reads DIR/db.npy (n x bytes uint8: bitsieve's codes of the generated documents), DIR/queries.npy (the query codes)
and DIR/truth_float.npy (the exact float top k of the queries). Builds IndexBinaryIVF with NLIST lists (binary
k-means quantiser trained on 40 x NLIST codes, FAISS's own minimum advice is 39 x NLIST), adds every code, then per
nprobe: one query at a time on ONE thread, p50/p99 latency, recall@k against the exact float top k and against the
exact Hamming top k (IndexBinaryFlat; a result counts when its distance is within the exact k-th distance, so ties at
the k-th place are not held against it), and queries per second with 2 threads (all queries as one batch, which FAISS
spreads over the threads). Prints one JSON object on stdout.

usage: /usr/bin/python3 tools/faiss_ivf.py DIR NLIST NPROBE[,NPROBE...]
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    d, nlist, nprobes = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]
    db = np.load(os.path.join(d, "db.npy"))
    q = np.load(os.path.join(d, "queries.npy"))
    truth = np.load(os.path.join(d, "truth_float.npy"))
    n, nbytes = db.shape
    nq, k = truth.shape
    bits = nbytes * 8
    out = {"faiss": faiss.__version__, "n": n, "bits": bits, "nlist": nlist, "queries": nq, "k": k}

    faiss.omp_set_num_threads(2)  # building may use both cores; every search below runs on one
    flat = faiss.IndexBinaryFlat(bits)
    flat.add(db)
    ed, ei = flat.search(q, k)  # exact Hamming top k
    kth = ed[:, k - 1]

    rng = np.random.default_rng(42)
    train = db[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
    quantizer = faiss.IndexBinaryFlat(bits)
    ivf = faiss.IndexBinaryIVF(quantizer, bits, nlist)
    t0 = time.perf_counter()
    ivf.train(train)
    out["train_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ivf.add(db)
    out["add_seconds"] = time.perf_counter() - t0
    sizes = np.array([ivf.invlists.list_size(i) for i in range(nlist)])
    out["largest_list_over_mean"] = float(sizes.max() / sizes.mean())

    faiss.omp_set_num_threads(1)
    rows = []
    for nprobe in [0] + nprobes:
        index = flat if nprobe == 0 else ivf
        if nprobe:
            ivf.nprobe = nprobe
        for i in range(min(50, nq)):  # warm-up
            index.search(q[i:i + 1], k)
        lat = np.empty(nq)
        ids = np.empty((nq, k), dtype=np.int64)
        dist = np.empty((nq, k), dtype=np.int32)
        for i in range(nq):
            t = time.perf_counter()
            dd, ii = index.search(q[i:i + 1], k)
            lat[i] = (time.perf_counter() - t) * 1e3
            ids[i], dist[i] = ii[0], dd[0]
        faiss.omp_set_num_threads(2)  # throughput: every query in one batch, FAISS spreads the queries over both cores
        t = time.perf_counter()
        index.search(q, k)
        qps = nq / (time.perf_counter() - t)
        faiss.omp_set_num_threads(1)
        r_float = np.mean([len(set(ids[i]) & set(truth[i])) / k for i in range(nq)])
        r_ham = np.mean([np.sum((dist[i] <= kth[i]) & (ids[i] >= 0)) / k for i in range(nq)])
        rows.append({"nprobe": nprobe, "recall_at_10_vs_exact_float": float(r_float),
                     "recall_at_10_vs_exact_hamming": float(r_ham),
                     # the same order statistics as ScaleBench's rows
                     "p50_ms": float(np.sort(lat)[nq // 2]), "p99_ms": float(np.sort(lat)[min(nq - 1, -(-nq * 99 // 100) - 1)]),
                     "qps_2_threads": qps})
    out["rows"] = rows
    print(json.dumps(out))


if __name__ == "__main__":
    main()
