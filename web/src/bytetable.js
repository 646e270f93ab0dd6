// Query-side maths of the byte-table encoders pcaq and pq (bitsieve-core PcaQuantEncoder, PqEncoder,
// ByteTableNorms), float32 operation for operation as encoder.js does for witq and plane codes: every code byte
// indexes a per-byte table, a code's asymmetric score is the sum of its bytes' entries (q . mean riding on byte 0)
// times the code's inverse norm, and that norm is itself a per-byte table sum, so the page rebuilds the norms from
// the codes instead of downloading them. Java sums some constants in double and rounds once (meanProj, the norm
// tables); so does this file, and a double product of two float32 values is exact, so the results are Java's bits.

import { checkQuery, f, dot, rowsTimes } from './f32.js';

/** A bundle's encoder arrays do not fit together; bundle.js turns it into a BundleError. */
export class EncoderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EncoderError';
  }
}

function need(arrays, kind, names) {
  for (const n of names) {
    if (!(arrays[n] instanceof Float32Array)) {
      throw new EncoderError(`${kind} encoder lacks its '${n}' array`);
    }
  }
}

function size(kind, name, array, expected, what) {
  if (array.length !== expected) {
    throw new EncoderError(`${kind} encoder array '${name}' holds ${array.length} values, expected ${expected} (${what})`);
  }
}

function sumSquares(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return f(s);
}

/** Shared by both: the code layout, query checks and the norms (ByteTableNorms.inverse). */
class ByteTableEncoder {
  constructor(spec) {
    this.kind = spec.kind;
    this.scoring = spec.scoring;
    this.bits = spec.bits;
    this.dim = spec.dim;
    this.normalized = true;
    this.bytes = (this.bits + 7) >>> 3;
    this.words32 = ((this.bits + 63) >>> 6) * 2;
    if (spec.normalized !== true) {
      throw new EncoderError(`${this.scoring} scores are normalised, but the manifest says "normalized": ${spec.normalized}`);
    }
  }

  /**
   * Inverse norm of every code: 1 / sqrt(|mean|^2 + sum_k normTable[k][byte k]), float32 sums in byte order, 0 for
   * a zero norm (ByteTableNorms.inverse).
   * @param u8 all codes, `stride` bytes each
   */
  inverseNorms(u8, stride, count) {
    const { bytes, normTable, meanNormSq } = this;
    const out = new Float32Array(count);
    for (let i = 0, o = 0; i < count; i++, o += stride) {
      let s = meanNormSq;
      for (let k = 0; k < bytes; k++) {
        s = f(s + normTable[(k << 8) | u8[o + k]]);
      }
      out[i] = s > 0 ? f(1 / Math.sqrt(s)) : 0;
    }
    return out;
  }

  check(x) {
    checkQuery(x, this.dim);
  }
}

/** PcaQuantEncoder.fromGray. */
function fromGray(g) {
  let b = g;
  for (let s = 1; s < 8; s <<= 1) b ^= b >>> s;
  return b;
}

const PCAQ_MAX_FIELD_BITS = 4; // PcaQuantKind.MAX_FIELD_BITS

/**
 * pcaq: principal components, each kept one quantised to 1-4 bits (Lloyd-Max levels, Gray-coded), in fields that
 * never straddle a byte. Arrays: mean (dim), components (fields x dim), fieldBits / fieldByte / fieldShift
 * (fields, whole numbers), thresholds (per field 2^b - 1), levels (per field 2^b).
 */
export class PcaqEncoder extends ByteTableEncoder {
  constructor(spec, a) {
    super(spec);
    need(a, 'pcaq', ['mean', 'components', 'fieldBits', 'fieldByte', 'fieldShift', 'thresholds', 'levels']);
    const { dim, bits, bytes } = this;
    const nf = a.fieldBits.length;
    if (nf === 0) throw new EncoderError('pcaq encoder has no fields');
    size('pcaq', 'fieldByte', a.fieldByte, nf, 'one per field');
    size('pcaq', 'fieldShift', a.fieldShift, nf, 'one per field');
    size('pcaq', 'mean', a.mean, dim, 'the dimension');
    size('pcaq', 'components', a.components, nf * dim, 'fields x dimension');
    this.fBits = new Int32Array(nf);
    this.fByte = new Int32Array(nf);
    this.fShift = new Int32Array(nf);
    this.thrStart = new Int32Array(nf + 1);
    this.levStart = new Int32Array(nf + 1);
    for (let i = 0; i < nf; i++) {
      const b = a.fieldBits[i], k = a.fieldByte[i], s = a.fieldShift[i];
      if (!Number.isInteger(b) || !Number.isInteger(k) || !Number.isInteger(s) || b < 1 || b > PCAQ_MAX_FIELD_BITS
          || k < 0 || k >= bytes || s < 0 || s + b > 8 || 8 * k + s + b > bits) {
        throw new EncoderError(`pcaq field ${i} has an invalid layout (${b} bits at byte ${k}, shift ${s}, in ${bits}-bit codes)`);
      }
      this.fBits[i] = b;
      this.fByte[i] = k;
      this.fShift[i] = s;
      this.thrStart[i + 1] = this.thrStart[i] + (1 << b) - 1;
      this.levStart[i + 1] = this.levStart[i] + (1 << b);
    }
    size('pcaq', 'thresholds', a.thresholds, this.thrStart[nf], '2^bits - 1 per field');
    size('pcaq', 'levels', a.levels, this.levStart[nf], '2^bits per field');
    this.fields = nf;
    this.mean = a.mean;
    this.components = a.components;
    this.thresholds = a.thresholds;
    this.levels = a.levels;
    this.fieldsInByte = Array.from({ length: bytes }, () => []);
    for (let i = 0; i < nf; i++) this.fieldsInByte[this.fByte[i]].push(i);
    this.meanProj = new Float32Array(nf); // mean . v_f, summed in double as Java does
    for (let i = 0; i < nf; i++) {
      let mp = 0;
      for (let j = 0; j < dim; j++) mp += a.mean[j] * a.components[i * dim + j];
      this.meanProj[i] = mp;
    }
    const twice = this.meanProj.map((m) => f(2 * m));
    this.normTable = this.buildTable(twice, true);
    this.meanNormSq = sumSquares(a.mean);
  }

  /** Per byte and value: sum over the byte's fields of w_f * level (+ level^2 when squared), in float32. */
  buildTable(w, squared) {
    const { bytes, fieldsInByte, fBits, fShift, levStart, levels } = this;
    const table = new Float32Array(bytes * 256);
    for (let k = 0; k < bytes; k++) {
      const fs = fieldsInByte[k];
      if (fs.length === 0) continue;
      for (let v = 0; v < 256; v++) {
        let s = 0;
        for (const i of fs) {
          const level = levels[levStart[i] + fromGray((v >>> fShift[i]) & ((1 << fBits[i]) - 1))];
          s = squared ? f(s + f(f(w[i] * level) + f(level * level))) : f(s + f(w[i] * level));
        }
        table[(k << 8) | v] = s;
      }
    }
    return table;
  }

  /** PcaQuantEncoder.encodeInto: each field's level index (thresholds passed), Gray-coded, at its bit position. */
  encode(x) {
    this.check(x);
    const z = rowsTimes(this.components, this.fields, this.dim, x);
    const code = new Uint32Array(this.words32);
    for (let i = 0; i < this.fields; i++) {
      const v = f(z[i] - this.meanProj[i]);
      let idx = 0;
      for (let t = this.thrStart[i], end = this.thrStart[i + 1]; t < end; t++) {
        if (v > this.thresholds[t]) idx++;
      }
      const bit = 8 * this.fByte[i] + this.fShift[i]; // a field never straddles a byte, so never a 32-bit half
      code[bit >>> 5] |= (idx ^ (idx >>> 1)) << (bit & 31);
    }
    return code;
  }

  /** PcaQuantEncoder.scorer: (v_f . q) * level per field, q . mean added to byte 0's entries. */
  table(x) {
    this.check(x);
    const table = this.buildTable(rowsTimes(this.components, this.fields, this.dim, x), false);
    const qm = dot(x, 0, this.mean, 0, this.dim);
    for (let v = 0; v < 256; v++) table[v] = f(table[v] + qm);
    return table;
  }
}

/**
 * pq: the vector projected on `rotation` (rows x dim, rows grouped by subspace), minus the projected mean, each of
 * the bits / 8 subspaces replaced by its nearest of 256 centroids. Arrays: mean (dim), rotation (rows x dim),
 * subspaceDims (bits / 8 whole numbers adding up to rows <= dim), codebooks (per subspace 256 x its size).
 */
export class PqEncoder extends ByteTableEncoder {
  constructor(spec, a) {
    super(spec);
    need(a, 'pq', ['mean', 'rotation', 'subspaceDims', 'codebooks']);
    const { dim, bits } = this;
    if (bits % 8 !== 0) throw new EncoderError(`pq codes have one byte per subspace, but bits is ${bits}`);
    const m = bits / 8;
    size('pq', 'subspaceDims', a.subspaceDims, m, 'one per code byte');
    size('pq', 'mean', a.mean, dim, 'the dimension');
    this.m = m;
    this.subDim = new Int32Array(m);
    this.subStart = new Int32Array(m + 1);
    this.bookStart = new Int32Array(m + 1);
    for (let k = 0; k < m; k++) {
      const d = a.subspaceDims[k];
      if (!Number.isInteger(d) || d < 1 || d > dim) {
        throw new EncoderError(`pq subspace ${k} has an invalid size ${d} (1 to ${dim})`);
      }
      this.subDim[k] = d;
      this.subStart[k + 1] = this.subStart[k] + d;
      this.bookStart[k + 1] = this.bookStart[k] + 256 * d;
      if (this.subStart[k + 1] > dim) {
        throw new EncoderError(`pq subspace sizes add up to more than the dimension ${dim}`);
      }
    }
    const rows = this.subStart[m];
    this.rows = rows;
    size('pq', 'rotation', a.rotation, rows * dim, 'subspace sizes x dimension');
    size('pq', 'codebooks', a.codebooks, this.bookStart[m], '256 centroids per subspace');
    this.mean = a.mean;
    this.rotation = a.rotation;
    this.codebooks = a.codebooks;
    this.meanRot = rowsTimes(a.rotation, rows, dim, a.mean);
    this.halfNormSq = new Float32Array(256 * m);
    this.normTable = new Float32Array(256 * m);
    for (let k = 0; k < m; k++) {
      const ds = this.subDim[k];
      for (let v = 0; v < 256; v++) {
        let nn = 0, mc = 0; // double sums, as Java
        const o = this.bookStart[k] + v * ds;
        for (let j = 0; j < ds; j++) {
          const c = a.codebooks[o + j];
          nn += c * c;
          mc += this.meanRot[this.subStart[k] + j] * c;
        }
        this.halfNormSq[(k << 8) | v] = nn / 2;
        this.normTable[(k << 8) | v] = 2 * mc + nn;
      }
    }
    this.meanNormSq = sumSquares(a.mean);
  }

  /** PqEncoder.encodeInto: byte k = the centroid with the largest y . c - |c|^2 / 2 (first one on a tie). */
  encode(x) {
    this.check(x);
    const { m, subDim, subStart, bookStart, codebooks, halfNormSq } = this;
    const y = rowsTimes(this.rotation, this.rows, this.dim, x);
    for (let j = 0; j < this.rows; j++) y[j] = f(y[j] - this.meanRot[j]);
    const code = new Uint32Array(this.words32);
    for (let k = 0; k < m; k++) {
      const ds = subDim[k], yo = subStart[k];
      let best = 0, bestScore = -Infinity;
      for (let v = 0; v < 256; v++) {
        const o = bookStart[k] + v * ds;
        let s = -halfNormSq[(k << 8) | v];
        for (let j = 0; j < ds; j++) s = f(s + f(y[yo + j] * codebooks[o + j]));
        if (s > bestScore) {
          bestScore = s;
          best = v;
        }
      }
      code[k >>> 2] |= best << ((k & 3) << 3);
    }
    return code;
  }

  /** PqEncoder.scorer: entry [k][v] = (R q)_k . centroid v of subspace k; q . mean added to byte 0's entries. */
  table(x) {
    this.check(x);
    const { m, subDim, subStart, bookStart, codebooks } = this;
    const z = rowsTimes(this.rotation, this.rows, this.dim, x);
    const table = new Float32Array(m * 256);
    for (let k = 0; k < m; k++) {
      const ds = subDim[k], zo = subStart[k];
      for (let v = 0; v < 256; v++) {
        const o = bookStart[k] + v * ds;
        let s = 0;
        for (let j = 0; j < ds; j++) s = f(s + f(z[zo + j] * codebooks[o + j]));
        table[(k << 8) | v] = s;
      }
    }
    const qm = dot(x, 0, this.mean, 0, this.dim);
    for (let v = 0; v < 256; v++) table[v] = f(table[v] + qm);
    return table;
  }
}
