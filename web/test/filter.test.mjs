// Metadata filters in the browser library: the cases shared with the Java store (same results, same errors), the
// text form against the JSON form, and the filtered scans against a naive filter-then-sort.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileFilter, filterMask, FilterError } from '../src/filter.js';
import { parseFilterText } from '../src/filter-text.js';
import { asymmetricTopK, hammingTopK } from '../src/search.js';
import { ROOT } from './helpers.mjs';

const CASES = JSON.parse(readFileSync(join(ROOT, 'bitsieve-store/src/test/resources/org/bitsieve/store/filter/filter-cases.json'), 'utf8'));

function outcome(f, doc) {
  try {
    return f.test(doc);
  } catch (e) {
    assert.ok(e instanceof FilterError, String(e));
    return 'error';
  }
}

describe('the cases shared with the Java store (filter-cases.json)', () => {
  for (const c of CASES.cases) {
    it(c.text, () => {
      assert.deepEqual(parseFilterText(c.text), c.json, 'the text form parses to the JSON form');
      for (const f of [compileFilter(c.json), compileFilter(parseFilterText(c.text))]) {
        assert.deepEqual(CASES.documents.map((d) => outcome(f, d)), c.expect);
      }
    });
  }
  it('malformed expressions: the same positions and words as Java', () => {
    for (const [text, part] of CASES.errors) {
      assert.throws(() => parseFilterText(text), (e) => e instanceof FilterError && e.message.startsWith('filter: ')
        && e.message.includes(part), text);
    }
  });
});

describe('the JSON form is checked like the server checks it', () => {
  for (const [where, part] of [
    [[], 'filter: a filter must be a JSON object'],
    [{}, 'filter: needs "field"'],
    [{ field: 'a', op: 'like', value: 1 }, "unknown op 'like'"],
    [{ field: 'a', op: 'eq', value: null }, 'filter.value: a value must be'],
    [{ field: 'a', in: [] }, 'at least one value'],
    [{ and: [{ field: 'a', op: 'eq', value: 1 }] }, 'filter.and: needs an array of at least two'],
    [{ or: [{ field: 'a', op: 'eq', value: 1 }, { field: 'b', op: 'eq', value: 1, extra: 2 }] }, "filter.or[1]: unexpected key 'extra'"],
    [{ field: 'a', contains: 3 }, 'filter.contains: needs a string'],
  ]) {
    it(JSON.stringify(where), () => {
      assert.throws(() => compileFilter(where), (e) => e instanceof FilterError && e.message.includes(part), e => e.message);
    });
  }
});

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('filtered scans equal filtering a full sort', () => {
  const n = 3000;
  const words32 = 4;
  const r = rng(11);
  const codes = new Uint32Array(n * words32);
  for (let i = 0; i < codes.length; i++) codes[i] = r() < 0.5 ? 0 : (1 << Math.floor(r() * 4)) >>> 0;
  const metadata = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : { tenant: i % 100, kind: `k${i % 7}` }));
  const q = codes.slice(0, words32);
  const dist = [];
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let w = 0; w < words32; w++) {
      for (let x = (codes[i * words32 + w] ^ q[w]) >>> 0; x; x &= x - 1) d++;
    }
    dist.push(0 - d);
  }
  for (const text of ['tenant == 42', "kind in ['k1', 'k2'] && tenant < 50", 'tenant != 3', 'tenant > 1000']) {
    it(`hamming and asymmetric, ${text}`, () => {
      const f = compileFilter(parseFilterText(text));
      const mask = filterMask(f, metadata, n);
      for (const k of [1, 10, 200]) {
        const want = dist.map((s, row) => ({ s, row })).filter((x) => f.test(metadata[x.row]))
          .sort((a, b) => b.s - a.s || a.row - b.row).slice(0, k);
        const got = hammingTopK(codes, words32, n, q, k, mask);
        assert.deepEqual(got.rows, want.map((w) => w.row));
        // asymmetric over the same codes with a table that scores -popcount per byte: same order as Hamming
        const bytes = new Uint8Array(codes.buffer);
        const table = new Float32Array(16 * 256);
        const qb = new Uint8Array(q.buffer, q.byteOffset, 16);
        for (let b = 0; b < 16; b++) {
          for (let v = 0; v < 256; v++) {
            let x = v ^ qb[b];
            let c = 0;
            for (; x; x &= x - 1) c++;
            table[b * 256 + v] = -c;
          }
        }
        const asym = asymmetricTopK(bytes, 16, 16, n, table, null, k, mask);
        assert.deepEqual(asym.rows, want.map((w) => w.row));
      }
    });
  }
  it('a type mismatch is an error only for a document that would rank', () => {
    const meta = metadata.map((m, i) => (i === 2999 ? { tenant: 'x' } : i === 0 ? { tenant: 42 } : m));
    const mask = filterMask(compileFilter({ field: 'tenant', op: 'eq', value: 42 }), meta, n);
    assert.equal(mask.mask[2999], 2);
    // k = 1: row 0 (the query itself, distance 0) fills the top first, so the odd last row never ranks
    assert.deepEqual(hammingTopK(codes, words32, n, q, 1, mask).rows, [0]);
    assert.throws(() => hammingTopK(codes, words32, n, q, 500, mask), /type mismatch, the filter has a number and the document holds a string/);
  });
});
