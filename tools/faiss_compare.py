#!/usr/bin/python3
"""FAISS half of the Hamming-scan comparison (run with the Debian python: /usr/bin/python3, python3-faiss).

Reads the database and queries that `SearchCompare` (bitsieve-bench) wrote to DIR, searches them with
faiss.IndexBinaryFlat on ONE thread, checks that FAISS returns the same top-k distances as bitsieve's
HammingSearch.topK (and the same ids wherever the k-th distance is not tied), and prints codes/s for
  * batch:  index.search(all nq queries at once)   -- FAISS blocks queries x database internally
  * single: index.search(one query) in a loop       -- the same work shape as HammingSearch.topK(db, q, k)
plus the ratio of Java's median (java_result.json) to each.

usage: /usr/bin/python3 tools/faiss_compare.py DIR [repeats=7]
"""
import json
import os
import statistics
import sys
import time

import faiss
import numpy as np


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    d = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    faiss.omp_set_num_threads(1)

    db = np.load(os.path.join(d, "db.npy"))
    q = np.load(os.path.join(d, "queries.npy"))
    jd = np.load(os.path.join(d, "java_dist.npy"))
    ji = np.load(os.path.join(d, "java_ids.npy"))
    with open(os.path.join(d, "java_result.json")) as f:
        jr = json.load(f)
    n, nbytes = db.shape
    nq, k = jd.shape
    assert q.shape == (nq, nbytes), (q.shape, nq, nbytes)

    index = faiss.IndexBinaryFlat(nbytes * 8)
    index.add(db)

    # warm-up (page in the database, steady clocks)
    index.search(q[: min(nq, 8)], k)

    batch_rates = []
    D = I = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        D, I = index.search(q, k)
        t1 = time.perf_counter()
        batch_rates.append(n * nq / (t1 - t0))

    single_rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for i in range(nq):
            index.search(q[i : i + 1], k)
        t1 = time.perf_counter()
        single_rates.append(n * nq / (t1 - t0))

    # correctness: identical distance lists; identical ids except among codes tied at the k-th distance
    D = D.astype(np.int64)
    same_dist = bool(np.array_equal(D, jd.astype(np.int64)))
    id_mismatch = 0
    for i in range(nq):
        kth = D[i, -1]
        fa = {int(x) for x, dd in zip(I[i], D[i]) if dd < kth}
        ja = {int(x) for x, dd in zip(ji[i], jd[i]) if dd < kth}
        if fa != ja:
            id_mismatch += 1
    # ground truth for the first query by brute force in numpy
    bits_tab = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(1)
    x = np.bitwise_xor(db, q[0])
    full = bits_tab[x].sum(1)
    truth0 = np.sort(full)[:k]
    truth_ok = bool(np.array_equal(truth0, jd[0]) and np.array_equal(truth0, D[0]))

    jm = jr["java_codes_per_s_median"]
    bm = statistics.median(batch_rates)
    sm = statistics.median(single_rates)
    print("faiss %s IndexBinaryFlat  n=%d bits=%d nq=%d k=%d  1 thread" % (faiss.__version__, n, nbytes * 8, nq, k))
    print("  batch  search(nq=%d): median %.1f Mcodes/s  (runs: %s)" % (nq, bm / 1e6, " ".join("%.0f" % (r / 1e6) for r in batch_rates)))
    print("  single search(nq=1) x %d: median %.1f Mcodes/s  (runs: %s)" % (nq, sm / 1e6, " ".join("%.0f" % (r / 1e6) for r in single_rates)))
    print("java HammingSearch.topK median %.1f Mcodes/s" % (jm / 1e6))
    print("ratio java / faiss-batch  = %.2f" % (jm / bm))
    print("ratio java / faiss-single = %.2f" % (jm / sm))
    print("top-%d distances identical for all %d queries: %s; queries whose strictly-better-than-k-th ids differ: %d; "
          "numpy brute force agrees on query 0: %s" % (k, nq, same_dist, id_mismatch, truth_ok))
    out = {
        "faiss_version": faiss.__version__,
        "faiss_batch_codes_per_s_median": bm,
        "faiss_batch_codes_per_s_all": batch_rates,
        "faiss_single_codes_per_s_median": sm,
        "faiss_single_codes_per_s_all": single_rates,
        "java_codes_per_s_median": jm,
        "ratio_java_over_faiss_batch": jm / bm,
        "ratio_java_over_faiss_single": jm / sm,
        "distances_identical": same_dist,
        "id_mismatch_queries": id_mismatch,
        "numpy_truth_query0": truth_ok,
    }
    with open(os.path.join(d, "faiss_result.json"), "w") as f:
        json.dump(out, f, indent=1)
    if not (same_dist and id_mismatch == 0 and truth_ok):
        print("MISMATCH between FAISS and bitsieve results", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
