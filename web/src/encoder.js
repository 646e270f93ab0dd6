// Query-side encoder maths, reproducing bitsieve-core (PlaneEncoder, WitqEncoder, Vectors) operation for
// operation in float32: every product and sum goes through Math.fround in the same order as the Java code, so
// codes, lookup tables and asymmetric scores are bit-identical to the Java search (a float64 sum of float32
// operands rounded once to float32 is the correctly rounded float32 result, so Math.fround after each
// operation reproduces Java's float arithmetic exactly).

import { EncoderError, PcaqEncoder, PqEncoder } from './bytetable.js';

export { EncoderError } from './bytetable.js';

import { checkQuery, f, dot, rowsTimes } from './f32.js';

export { dot } from './f32.js';

/**
 * The query-side encoder a bundle's manifest describes (`encoder.scoring`): WebEncoder for witq and plane codes,
 * bytetable.js for pcaq and pq. All offer bits, bytes, normalized, encode(x) (Hamming) and table(x) (asymmetric).
 * Arrays that do not fit the description throw an EncoderError.
 */
export function makeEncoder(spec, arrays) {
  if (spec.scoring === 'pcaq') return new PcaqEncoder(spec, arrays);
  if (spec.scoring === 'pq') return new PqEncoder(spec, arrays);
  return new WebEncoder(spec, arrays);
}

/**
 * The inverse norms the asymmetric scan multiplies by: null for unnormalised scorers, norms.bin's for witq, and
 * for pcaq/pq rebuilt from the codes (per-byte table sums; 6-17 ms for 50,000 codes, so the worker does it).
 * @param u8 all codes, `stride` bytes each; shipped: norms.bin as a Float32Array, or null
 */
export function codeNorms(enc, u8, stride, count, shipped) {
  if (!enc.normalized) return null;
  return typeof enc.inverseNorms === 'function' ? enc.inverseNorms(u8, stride, count) : shipped;
}

/**
 * An encoder read from a bundle: the planes (bits x dim, row-major) and offsets of a plane encoder, plus, for
 * witq, the center (dim) and decoder (bits x dim) of its asymmetric score. A witq encoder with `factorBits` f > 0
 * has bits - f planes; its last f bits hold the correction factor rho = cos(x, decoded code) as a thermometer
 * (`factorBounds`); the factor's division reaches the page through norms.bin.
 */
export class WebEncoder {
  constructor(spec, arrays) {
    this.kind = spec.kind;
    this.bits = spec.bits;
    this.dim = spec.dim;
    this.scoring = spec.scoring;
    this.normalized = !!spec.normalized;
    this.planes = arrays.planes;
    this.offsets = arrays.offsets;
    this.center = arrays.center || null;
    this.decoder = arrays.decoder || null;
    this.factorBits = spec.factorBits || 0;
    this.factorBounds = arrays.factorBounds || null;
    this.planeBits = this.bits - this.factorBits;
    this.bytes = (this.bits + 7) >>> 3;
    this.words32 = ((this.bits + 63) >>> 6) * 2;
    if (this.scoring !== 'plane' && this.scoring !== 'witq') {
      throw new EncoderError(`encoder scoring ${JSON.stringify(this.scoring)} is not supported by this page `
        + '(it knows plane, witq, pcaq and pq)');
    }
    if (!Number.isInteger(this.factorBits) || this.factorBits < 0 || this.factorBits >= this.bits
        || this.factorBits > 0 && (this.scoring !== 'witq' || !this.factorBounds || this.factorBounds.length !== this.factorBits)) {
      throw new EncoderError('encoder factorBits does not match its factorBounds (a witq correction factor)');
    }
    if (!this.planes || !this.offsets || this.planes.length !== this.planeBits * this.dim || this.offsets.length !== this.planeBits) {
      throw new EncoderError('encoder planes/offsets do not match bits x dim');
    }
    if (this.scoring === 'witq' && (!this.center || this.center.length !== this.dim || !this.decoder
        || this.decoder.length !== this.planeBits * this.dim)) {
      throw new EncoderError('witq encoder lacks a center or decoder of the right size');
    }
  }

  /** PlaneEncoder.project: w_j . x - c_j. */
  project(x) {
    const out = rowsTimes(this.planes, this.planeBits, this.dim, x);
    for (let j = 0; j < this.planeBits; j++) {
      out[j] = f(out[j] - this.offsets[j]);
    }
    return out;
  }

  /** The query's code as 32-bit little-endian halves of the 64-bit words (bit j = bit j%32 of half j/32). */
  encode(x) {
    this.check(x);
    const p = this.project(x);
    const code = new Uint32Array(this.words32);
    for (let j = 0; j < this.planeBits; j++) {
      if (p[j] > 0) {
        code[j >>> 5] |= 1 << (j & 31);
      }
    }
    if (this.factorBits > 0) {
      const rho = this.rho(x, p);
      for (let l = 0; l < this.factorBits && rho >= this.factorBounds[l]; l++) {
        const j = this.planeBits + l;
        code[j >>> 5] |= 1 << (j & 31);
      }
    }
    return code;
  }

  /** WitqEncoder.rho: cos(x, c + sum_j s_j D_j), the decoded vector summed in float32, the cosine in float64. */
  rho(x, p) {
    const { dim, decoder } = this;
    const h = Float32Array.from(this.center);
    for (let j = 0; j < this.planeBits; j++) {
      const o = j * dim;
      if (p[j] > 0) {
        for (let m = 0; m < dim; m++) h[m] = f(h[m] + decoder[o + m]);
      } else {
        for (let m = 0; m < dim; m++) h[m] = f(h[m] - decoder[o + m]);
      }
    }
    let xh = 0, hh = 0, xx = 0;
    for (let m = 0; m < dim; m++) {
      xh += x[m] * h[m];
      hh += h[m] * h[m];
      xx += x[m] * x[m];
    }
    return hh > 0 && xx > 0 ? xh / Math.sqrt(hh * xx) : 0;
  }

  /** QueryScorer table: 256 float32 entries per code byte; the score of a code is the sum over its bytes. */
  table(x) {
    this.check(x);
    const { bits, dim, bytes } = this;
    let a;
    if (this.scoring === 'witq') {
      a = new Float32Array(bits); // the factor's bits weigh 0 (WitqEncoder.scorer)
      a.set(rowsTimes(this.decoder, this.planeBits, dim, x)); // D_j . q
    } else {
      a = this.project(x);
      // PlaneEncoder.scaleToCosine, the same operations: exact double squares summed in order, one float scale
      let ss = 0;
      for (let j = 0; j < bits; j++) {
        ss += a[j] * a[j];
      }
      if (ss > 0) {
        const scale = f(1 / Math.sqrt(ss * bits));
        for (let j = 0; j < bits; j++) {
          a[j] = f(a[j] * scale);
        }
      }
    }
    const table = new Float32Array(bytes * 256);
    for (let k = 0; k < bytes; k++) {
      const n = Math.min(8, bits - 8 * k);
      for (let v = 0; v < (1 << n); v++) {
        let s = 0;
        for (let u = 0; u < n; u++) {
          const aj = a[8 * k + u];
          s = f(s + (((v >>> u) & 1) !== 0 ? aj : -aj));
        }
        table[(k << 8) | v] = s;
      }
    }
    if (this.scoring === 'witq') {
      // q . c rides on byte 0 so that the norm divides it as well (WitqEncoder.scorer)
      const qc = dot(x, 0, this.center, 0, dim);
      for (let v = 0; v < 256; v++) {
        table[v] = f(table[v] + qc);
      }
    }
    return table;
  }

  check(x) {
    checkQuery(x, this.dim);
  }
}
