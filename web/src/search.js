// Exact top-k scans over packed codes, with the Java search's ranking: higher score first, equal scores to the
// smaller row (rows are the collection's storage order, which the bundle keeps). Rows are scanned in increasing
// order and a row enters only when strictly better than the current k-th, exactly as the Java heap does.

const f = Math.fround;

/** Keeps the best k (score, row) pairs, sorted best first; ties keep the earlier (smaller) row first. */
class Top {
  constructor(k) {
    this.k = k;
    this.scores = new Float64Array(k);
    this.rows = new Int32Array(k);
    this.size = 0;
    this.worst = -Infinity;
  }

  /** Called only with rows in increasing order and when score > worst (or while not full). */
  offer(score, row) {
    let i = this.size < this.k ? this.size++ : this.k - 1;
    // shift worse entries down; an equal score stays ahead since its row is smaller
    while (i > 0 && this.scores[i - 1] < score) {
      this.scores[i] = this.scores[i - 1];
      this.rows[i] = this.rows[i - 1];
      i--;
    }
    this.scores[i] = score;
    this.rows[i] = row;
    if (this.size === this.k) {
      this.worst = this.scores[this.k - 1];
    }
  }

  result() {
    return { rows: Array.from(this.rows.subarray(0, this.size)), scores: Array.from(this.scores.subarray(0, this.size)) };
  }
}

/**
 * Whether a candidate row passes the filter mask (null: no filter). A row whose filter evaluation threw (2) is an
 * error only now that it would rank, as the Java scan asks its filter only about heap candidates.
 */
function passes(filter, row) {
  if (filter === null) return true;
  const m = filter.mask[row];
  if (m === 2) throw new Error(filter.error);
  return m === 1;
}

function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Top-k by Hamming distance; score = -distance (as in Java).
 * @param codes Uint32Array of all codes, `words32` halves per code
 * @param query Uint32Array of `words32` halves
 * @param filter null, or {mask: Uint8Array (1 pass, 0 fail, 2 error), error: message} from filter.js's filterMask
 */
export function hammingTopK(codes, words32, count, query, k, filter = null) {
  const top = new Top(k);
  let limit = Infinity; // a row enters when its distance is below the k-th distance
  if (words32 === 8) {
    const q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
    const q4 = query[4], q5 = query[5], q6 = query[6], q7 = query[7];
    for (let i = 0, o = 0; i < count; i++, o += 8) {
      const d = popcount(codes[o] ^ q0) + popcount(codes[o + 1] ^ q1) + popcount(codes[o + 2] ^ q2)
        + popcount(codes[o + 3] ^ q3) + popcount(codes[o + 4] ^ q4) + popcount(codes[o + 5] ^ q5)
        + popcount(codes[o + 6] ^ q6) + popcount(codes[o + 7] ^ q7);
      if (d < limit && passes(filter, i)) {
        top.offer(0 - d, i); // 0 - d: a distance of 0 scores +0, as in Java
        if (top.size === k) limit = -top.worst;
      }
    }
  } else {
    for (let i = 0, o = 0; i < count; i++, o += words32) {
      let d = 0;
      for (let w = 0; w < words32; w++) {
        d += popcount(codes[o + w] ^ query[w]);
      }
      if (d < limit && passes(filter, i)) {
        top.offer(0 - d, i); // 0 - d: a distance of 0 scores +0, as in Java
        if (top.size === k) limit = -top.worst;
      }
    }
  }
  return top.result();
}

/**
 * Top-k by asymmetric score: per code, the float32 sum of table[k * 256 + byte_k] in the Java order (each 8-byte
 * word summed left to right, then added to the running score; leftover bytes one by one), times the code's
 * inverse norm when the encoder is normalised.
 * @param bytes Uint8Array of all codes, `stride` bytes per code (whole 64-bit words)
 * @param codeBytes bytes that carry bits ((bits + 7) / 8)
 * @param norms Float32Array of inverse norms, or null
 * @param filter null, or a filter mask as for hammingTopK
 */
export function asymmetricTopK(bytes, stride, codeBytes, count, table, norms, k, filter = null) {
  const top = new Top(k);
  const fullWords = codeBytes >>> 3;
  for (let i = 0, o = 0; i < count; i++, o += stride) {
    let s = 0;
    let kb = 0;
    for (let w = 0; w < fullWords; w++, kb += 8) {
      const p = o + kb;
      const base = kb << 8;
      let t = f(table[base | bytes[p]] + table[(base + 256) | bytes[p + 1]]);
      t = f(t + table[(base + 512) | bytes[p + 2]]);
      t = f(t + table[(base + 768) | bytes[p + 3]]);
      t = f(t + table[(base + 1024) | bytes[p + 4]]);
      t = f(t + table[(base + 1280) | bytes[p + 5]]);
      t = f(t + table[(base + 1536) | bytes[p + 6]]);
      t = f(t + table[(base + 1792) | bytes[p + 7]]);
      s = f(s + t);
    }
    for (; kb < codeBytes; kb++) {
      s = f(s + table[(kb << 8) | bytes[o + kb]]);
    }
    if (norms !== null) {
      s = f(s * norms[i]);
    }
    if (s > top.worst && passes(filter, i)) {
      top.offer(s, i);
    }
  }
  return top.result();
}
