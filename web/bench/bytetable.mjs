// Query-side and load-time costs of the byte-table encoders (pcaq, pq) against witq, in node (V8, as Chromium):
// - rebuilding the inverse norms of N codes from the codes (what the page does for pcaq/pq at load) against the
//   SHA-256 check a shipped norms.bin (4 bytes per code) would cost, before its download;
// - per query: the Hamming code (encode) and the asymmetric lookup table (table), and one asymmetric scan of N codes.
// Codes are random bytes (the cost does not depend on their values). Medians of REPS runs after warm-up.
// Usage: node bench/bytetable.mjs N BUNDLE_DIR... (bundles exported by `bitsieve export-web`; the first 20 queries
// are random unit vectors of the bundle's dimension)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { makeEncoder } from '../src/encoder.js';
import { asymmetricTopK } from '../src/search.js';

const REPS = 21;
const n = Number(process.argv[2]);
const dirs = process.argv.slice(3);
if (!Number.isInteger(n) || n <= 0 || dirs.length === 0) {
  console.error('usage: node bench/bytetable.mjs N BUNDLE_DIR...');
  process.exit(2);
}

function median(f) {
  const t = [];
  for (let i = 0; i < REPS + 3; i++) {
    const t0 = performance.now();
    f(i);
    if (i >= 3) t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

async function medianAsync(f) {
  const t = [];
  for (let i = 0; i < REPS + 3; i++) {
    const t0 = performance.now();
    await f(i);
    if (i >= 3) t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const rows = [];
for (const dir of dirs) {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const buf = readFileSync(join(dir, m.encoder.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const arrays = Object.fromEntries(Object.entries(m.encoder.arrays).map(([k, a]) => [k, new Float32Array(ab, a.offset, a.length)]));
  let enc;
  const buildMs = median(() => { enc = makeEncoder(m.encoder, arrays); });
  const stride = m.codes.wordsPerCode * 8;
  const codes = new Uint8Array(n * stride);
  for (let i = 0; i < codes.length; i++) codes[i] = (rnd() * 256) | 0;
  const queries = Array.from({ length: 20 }, () => {
    const q = Float32Array.from({ length: m.dim }, () => rnd() - 0.5);
    const s = Math.hypot(...q);
    return q.map((x) => x / s);
  });
  const norms = enc.inverseNorms ? enc.inverseNorms(codes, stride, n) : new Float32Array(n).fill(1);
  const normsMs = enc.inverseNorms ? median(() => enc.inverseNorms(codes, stride, n)) : NaN;
  const shipped = new Uint8Array(4 * n);
  const shaMs = await medianAsync(() => webcrypto.subtle.digest('SHA-256', shipped));
  const encodeMs = median((i) => enc.encode(queries[i % 20]));
  const tableMs = median((i) => enc.table(queries[i % 20]));
  const tables = queries.map((q) => enc.table(q));
  const scanMs = median((i) => asymmetricTopK(codes, stride, enc.bytes, n, tables[i % 20], enc.normalized ? norms : null, 10));
  rows.push({
    kind: m.encoder.kind, bits: m.bits, encoderBytes: buf.length, buildMs, normsMs, normsBinBytes: 4 * n,
    shaNormsBinMs: shaMs, encodeMs, tableMs, scanMs,
  });
}
console.log(`N = ${n} codes; medians of ${REPS} runs (ms); node ${process.version}`);
const round = (v) => (typeof v === 'number' && !Number.isInteger(v) ? +v.toFixed(3) : v);
console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))));
