# Exact inner-product top-k for ScaleBench (float32 BLAS via numpy; the vectors are streamed, never stored).
# stdin: int32 nq, dim, k; nq*dim float32 queries; then chunks: int32 n, n*dim float32 (n = 0 ends).
# stdout: int64 ids[nq*k], float32 scores[nq*k], each query's list best first. All little-endian.
import sys
import numpy as np

def read(f, n):
    b = f.read(n)
    if len(b) != n:
        sys.exit("exact_topk: input ended early (%d of %d bytes)" % (len(b), n))
    return b

def main():
    f = sys.stdin.buffer
    nq, dim, k = np.frombuffer(read(f, 12), dtype="<i4")
    q = np.frombuffer(read(f, int(nq) * int(dim) * 4), dtype="<f4").reshape(nq, dim)
    best_s = np.full((nq, k), -np.inf, dtype=np.float32)
    best_i = np.full((nq, k), -1, dtype=np.int64)
    base = 0
    while True:
        n = int(np.frombuffer(read(f, 4), dtype="<i4")[0])
        if n == 0:
            break
        x = np.frombuffer(read(f, n * int(dim) * 4), dtype="<f4").reshape(n, dim)
        s = q @ x.T
        kk = min(k, n)
        idx = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
        cs = np.take_along_axis(s, idx, axis=1)
        all_s = np.concatenate([best_s, cs], axis=1)
        all_i = np.concatenate([best_i, idx + base], axis=1)
        # ties broken by the lower id, as a stable scan in id order would
        order = np.lexsort((all_i, -all_s), axis=1)[:, :k]
        best_s = np.take_along_axis(all_s, order, axis=1)
        best_i = np.take_along_axis(all_i, order, axis=1)
        base += n
    out = sys.stdout.buffer
    out.write(best_i.astype("<i8").tobytes())
    out.write(best_s.astype("<f4").tobytes())
    out.flush()

main()
