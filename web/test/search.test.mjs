// The scans against a naive reference (score every code, sort by score desc then row asc), on random codes with
// many ties; and the float32 encoder maths against hand-computed values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dot, WebEncoder } from '../src/encoder.js';
import { asymmetricTopK, hammingTopK } from '../src/search.js';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function naive(scores, k) {
  return scores.map((s, row) => ({ s, row })).sort((a, b) => b.s - a.s || a.row - b.row).slice(0, k);
}

describe('scans equal a naive sort, ties to the smaller row', () => {
  for (const words32 of [2, 4, 8]) {
    it(`hamming, ${words32 * 32} bits`, () => {
      const r = rng(words32);
      const n = 3000;
      const codes = new Uint32Array(n * words32);
      // few distinct bits so distances tie a lot
      for (let i = 0; i < codes.length; i++) codes[i] = r() < 0.5 ? 0 : (1 << Math.floor(r() * 4)) >>> 0;
      const q = codes.slice(5 * words32, 6 * words32);
      const dist = [];
      for (let i = 0; i < n; i++) {
        let d = 0;
        for (let w = 0; w < words32; w++) {
          let x = (codes[i * words32 + w] ^ q[w]) >>> 0;
          for (; x; x &= x - 1) d++;
        }
        dist.push(0 - d);
      }
      for (const k of [1, 10, 57]) {
        const want = naive(dist, k);
        const got = hammingTopK(codes, words32, n, q, k);
        assert.deepEqual(got.rows, want.map((w) => w.row));
        assert.deepEqual(got.scores, want.map((w) => w.s));
      }
    });
  }

  it('asymmetric with a normalised, partial-byte code (100 bits)', () => {
    const r = rng(9);
    const n = 2000;
    const stride = 16;
    const codeBytes = 13;
    const bytes = new Uint8Array(n * stride);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < codeBytes; b++) bytes[i * stride + b] = Math.floor(r() * 4); // few values: ties
      bytes[i * stride + 12] &= 0x0f;
    }
    const table = new Float32Array(codeBytes * 256).map(() => Math.round(r() * 8) / 4);
    const norms = new Float32Array(n).map(() => [0.5, 1, 2][Math.floor(r() * 3)]);
    const scores = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let b = 0; b < codeBytes; b++) s += table[b * 256 + bytes[i * stride + b]];
      scores.push(Math.fround(s * norms[i])); // small dyadic values: exact in any order
    }
    const want = naive(scores, 25);
    const got = asymmetricTopK(bytes, stride, codeBytes, n, table, norms, 25);
    assert.deepEqual(got.rows, want.map((w) => w.row));
    assert.deepEqual(got.scores, want.map((w) => w.s));
  });
});

describe('float32 encoder maths', () => {
  it('dot rounds like Java: four float accumulators', () => {
    const a = Float32Array.from([1e8, 1, -1e8, 1, 0.1]);
    const b = Float32Array.from([1, 1, 1, 1, 3]);
    // s0 = 1e8 + 0.3 (the tail goes to the first accumulator), s1 = 1, s2 = -1e8, s3 = 1; result (s0+s1)+(s2+s3),
    // each step rounded to float32: 1e8 absorbs the small terms, so any other order gives a different answer
    const s0 = Math.fround(Math.fround(1e8) + Math.fround(Math.fround(0.1) * 3));
    const want = Math.fround(Math.fround(s0 + 1) + Math.fround(-1e8 + 1));
    assert.equal(dot(a, 0, b, 0, 5), want);
  });

  it('plane codes and tables: bit j set when w_j . x - c_j > 0; table sums +-projections scaled to a cosine', () => {
    const planes = Float32Array.from([1, 0, 0, 1, 1, 1]); // 3 bits x 2 dims
    const offsets = Float32Array.from([0.5, 0.5, 5]);
    const enc = new WebEncoder({ kind: 'sign', bits: 3, dim: 2, scoring: 'plane', normalized: false }, { planes, offsets });
    const x = Float32Array.from([1, 0.25]);
    assert.deepEqual(Array.from(enc.encode(x)), [0b001, 0]);
    const t = enc.table(x);
    const p = [0.5, -0.25, -3.75];
    // PlaneEncoder.scaleToCosine: divided by |p| sqrt(bits), one float scale
    const scale = Math.fround(1 / Math.sqrt((0.25 + 0.0625 + 14.0625) * 3));
    const q = p.map((pj) => Math.fround(pj * scale));
    assert.equal(t.length, 256);
    for (let v = 0; v < 8; v++) {
      const s = q.reduce((acc, qj, j) => Math.fround(acc + ((v >> j) & 1 ? qj : -qj)), 0);
      assert.equal(t[v], s);
    }
    // the query's own code scores sum|p| / (|p| sqrt(bits)), the highest cosine a code can reach
    assert.ok(Math.abs(t[0b001] - 4.5 / Math.sqrt(43.125)) < 1e-6);
    assert.equal(Math.max(...t.slice(0, 8)), t[0b001]);
    assert.throws(() => enc.encode(Float32Array.from([1])), /dimension 1, the bundle's encoder expects 2/);
  });
});
