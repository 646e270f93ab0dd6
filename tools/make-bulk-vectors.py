#!/usr/bin/env python3
"""Float32 vectors for timing the bulk load (docs/scaling.md, "Bulk-load cost"): real all-MiniLM-L6-v2 IMDB train
vectors from the shared embeddings, resampled with replacement, plus Gaussian noise of norm ~0.1, renormalised.
Written through a memory map, so a 1M x 384 file (1.5 GB) needs little memory.

usage: python3 tools/make-bulk-vectors.py OUT.npy [rows=1000000]   (BITSIEVE_SHARED or ../shared for the data)
"""
import os
import sys

import numpy as np

if len(sys.argv) < 2:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
root = os.environ.get("BITSIEVE_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
src = np.load(os.path.join(root, "embeddings", "all-minilm-l6-v2", "imdb", "train.npy")).astype(np.float32)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(1)
out = np.lib.format.open_memmap(sys.argv[1], mode="w+", dtype="<f4", shape=(n, src.shape[1]))
for s in range(0, n, 100_000):
    m = min(100_000, n - s)
    v = src[rng.integers(0, len(src), m)] + rng.normal(0, 0.1 / np.sqrt(src.shape[1]), (m, src.shape[1])).astype(np.float32)
    out[s:s + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
out.flush()
