// Fuzzes the bundle reader (src/bundle.js) with mutations of real bundles kept in test/fuzz/: bundle-simhash64 (a
// 24-document simhash-64 collection), bundle-pcaq32 and bundle-pq32 (the first 24 MR test sentences, encoders fitted
// on 2,000 MR train vectors: `bitsieve fit mr/train.npy -e pcaq|pq -b 32 --max-sample 2000`, `bitsieve index
// --encoder`, `bitsieve export-web --snippet 40`), all without the model. Three kinds of input: a manifest with one
// field removed or replaced by an odd value (null, a string, -1, 2^53, an array, an object, a huge length); a file
// (codes, encoder, docs) with bytes flipped, truncated or extended; and an encoder.bin whose layout arrays (pcaq's
// fieldBits/fieldByte/fieldShift, pq's subspaceDims) hold odd numbers or whose table arrays are cut short. File
// mutations update the manifest's size and SHA-256 so they reach the parsing. The property: readManifest +
// loadIndex resolve, or reject with a BundleError that has a message; never a TypeError, RangeError or other crash.
// Tries: BITSIEVE_FUZZ_TRIES (default 300 per seed, a few seconds); e.g. BITSIEVE_FUZZ_TRIES=100000 node --test test/bundle-fuzz.test.mjs
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BundleError, loadIndex, readManifest } from '../src/bundle.js';
import { codeNorms, makeEncoder } from '../src/encoder.js';
import { asymmetricTopK, hammingTopK } from '../src/search.js';
import { WEB } from './helpers.mjs';

const TRIES = Number(process.env.BITSIEVE_FUZZ_TRIES || 300);
const SEEDS = Object.fromEntries(['bundle-simhash64', 'bundle-pcaq32', 'bundle-pq32'].map((name) => {
  const dir = join(WEB, 'test/fuzz', name);
  return [name, Object.fromEntries(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]))];
}));
let seed; // the seed bundle the mutators below start from
const ODD = [null, '', 'x', -1, 0, 1.5, 2 ** 53, 2 ** 31, -(2 ** 31), [], [1], {}, { file: 'nope.bin' }, true, '../../etc/passwd'];

function rng(s) {
  let x = s >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}
const pick = (r, a) => a[Math.floor(r() * a.length)];

/** Serves a map of file name -> bytes through a stubbed global fetch. */
async function withFiles(files, fn) {
  const saved = globalThis.fetch;
  globalThis.fetch = async (url) => {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop());
    return name in files ? new Response(files[name]) : new Response('missing', { status: 404 });
  };
  try {
    return await fn('http://bundle.test/b/');
  } finally {
    globalThis.fetch = saved;
  }
}

/** Every path (array of keys) to a value in the manifest. */
function paths(o, prefix = []) {
  const out = [];
  if (o && typeof o === 'object') {
    for (const k of Object.keys(o)) {
      out.push([...prefix, k]);
      out.push(...paths(o[k], [...prefix, k]));
    }
  }
  return out;
}

function mutateManifest(r) {
  const m = JSON.parse(new TextDecoder().decode(seed['manifest.json']));
  const all = paths(m);
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--) {
    const p = pick(r, all);
    let parent = m;
    for (const k of p.slice(0, -1)) parent = parent && typeof parent === 'object' ? parent[k] : undefined;
    if (!parent || typeof parent !== 'object') continue;
    if (r() < 0.3) delete parent[p[p.length - 1]];
    else parent[p[p.length - 1]] = structuredClone(pick(r, ODD));
  }
  return { ...seed, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) };
}

function mutateBytes(b, r) {
  const out = Array.from(b);
  const kind = Math.floor(r() * 4);
  if (kind === 0 && out.length) {
    for (let i = 0; i < 4; i++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
  } else if (kind === 1) {
    out.length = Math.floor(r() * out.length);
  } else if (kind === 2) {
    for (let i = Math.floor(r() * 16); i >= 0; i--) out.push(Math.floor(r() * 256));
  } else if (out.length) {
    out[Math.floor(r() * out.length)] = pick(r, [0, 0xff, 0x7f, 0x80]);
  }
  return new Uint8Array(out);
}

/** The manifest of `files` with name's size and SHA-256 set to `bytes`', plus the new file. */
function withFile(files, name, bytes, manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']))) {
  const entry = manifest.files.find((f) => f.name === name);
  entry.bytes = bytes.byteLength;
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  return { ...files, [name]: bytes, 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)) };
}

const ODD_NUMBERS = [0, -1, 0.5, 1.5, 3, 5, 7, 8, 9, 255, 256, 385, 1e9, -1e9, NaN, Infinity, -Infinity];

/**
 * Mutates the encoder's arrays: one value of an integer layout array (pcaq field bits / byte / shift, pq subspace
 * sizes) set to an odd number, or one array's manifest length cut or grown (a truncated or overlong table).
 */
function mutateEncoder(r) {
  const m = JSON.parse(new TextDecoder().decode(seed['manifest.json']));
  const arrays = m.encoder.arrays;
  if (r() < 0.5) {
    const key = pick(r, Object.keys(arrays));
    arrays[key].length = Math.max(0, arrays[key].length + pick(r, [-1, -2, -256, 1, 256, -arrays[key].length]));
    return { ...seed, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) };
  }
  const layout = ['fieldBits', 'fieldByte', 'fieldShift', 'subspaceDims', 'offsets'].filter((k) => k in arrays);
  const a = arrays[pick(r, layout)];
  const enc = new Uint8Array(seed['encoder.bin']);
  const view = new DataView(enc.buffer);
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--) {
    view.setFloat32(a.offset + 4 * Math.floor(r() * a.length), pick(r, ODD_NUMBERS), true);
  }
  return withFile(seed, 'encoder.bin', enc, m);
}

/** Mutates one file and updates the manifest's size and checksum for it, so the parser sees the mutation. */
function mutateFile(r) {
  const name = pick(r, ['codes.bin', 'encoder.bin', 'docs.bin', 'docs.bin']);
  let bytes;
  if (name === 'docs.bin' && r() < 0.5) { // valid gzip around mutated JSON: reaches the documents check
    const docs = JSON.parse(gunzipSync(seed['docs.bin']).toString('utf8'));
    const key = pick(r, Object.keys(docs));
    docs[key] = structuredClone(pick(r, ODD));
    bytes = new Uint8Array(gzipSync(JSON.stringify(docs)));
  } else {
    bytes = mutateBytes(seed[name], r);
  }
  return withFile(seed, name, bytes);
}

/** A bundle that loads must also search: build the encoder as the worker does and run both scans once. */
function searchOnce(idx) {
  const m = idx.manifest;
  const enc = makeEncoder(m.encoder, idx.encoderArrays);
  const q = Float32Array.from({ length: m.dim }, (_, i) => Math.sin(i + 1) / 10);
  const stride = m.codes.wordsPerCode * 8;
  hammingTopK(new Uint32Array(idx.codes), stride >>> 2, m.documents, enc.encode(q), 5);
  const u8 = new Uint8Array(idx.codes);
  const norms = codeNorms(enc, u8, stride, m.documents, idx.norms);
  asymmetricTopK(u8, stride, enc.bytes, m.documents, enc.table(q), norms, 5);
  return norms;
}

/** Loads the bundle: resolves to true when it loaded (and searched), false when refused with a BundleError. */
async function property(files) {
  try {
    await withFiles(files, async (url) => {
      const m = await readManifest(url);
      searchOnce(await loadIndex(url, m));
    });
    return true;
  } catch (e) {
    if (!(e instanceof BundleError) || !e.message) {
      const manifest = new TextDecoder().decode(files['manifest.json']);
      assert.fail(`the reader threw ${e && e.name}: ${e && e.message}\nmanifest: ${manifest.slice(0, 400)}`);
    }
    return false;
  }
}

for (const [name, files] of Object.entries(SEEDS)) {
  describe(`bundle reader under mutation (${name}): only BundleErrors`, () => {
    it('the unmutated seed loads', async () => {
      seed = files;
      await withFiles(seed, async (url) => {
        const idx = await loadIndex(url, await readManifest(url));
        assert.equal(idx.docs.ids.length, 24);
        const norms = searchOnce(idx);
        if (idx.manifest.encoder.scoring !== 'plane') assert.equal(norms.length, 24, 'norms rebuilt from the codes');
      });
    });

    // Before bundle.js checked the manifest's shape (checkShape), this found TypeErrors and RangeErrors
    // (`manifest.files.find is not a function`, `new Float32Array` with a negative length).
    it('mutated manifests', async () => {
      seed = files;
      const r = rng(12345 + TRIES);
      for (let t = 0; t < TRIES; t++) await property(mutateManifest(r));
    });

    it('mutated files with a matching manifest', async () => {
      seed = files;
      const r = rng(777 + TRIES);
      for (let t = 0; t < TRIES; t++) await property(mutateFile(r));
    });

    it('mutated encoder arrays (odd layout values, cut or grown tables)', async () => {
      seed = files;
      const r = rng(4242 + TRIES);
      let refused = 0;
      for (let t = 0; t < TRIES; t++) refused += await property(mutateEncoder(r)) ? 0 : 1;
      assert.ok(refused > TRIES / 4, `the mutations reach the array checks (${refused} of ${TRIES} refused)`);
    });
  });
}

/** The BundleError message loading `files` gives (fails when it loads). */
async function refusal(files) {
  return withFiles(files, async (url) => {
    try {
      await loadIndex(url, await readManifest(url));
    } catch (e) {
      assert.ok(e instanceof BundleError, `${e && e.name}: ${e && e.message}`);
      return e.message;
    }
    return assert.fail('the damaged bundle loaded');
  });
}

function editManifest(files, edit) {
  const m = JSON.parse(new TextDecoder().decode(files['manifest.json']));
  edit(m);
  return { ...files, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) };
}

describe('damaged pcaq and pq tables: refused with a message naming the array', () => {
  it('a truncated pq codebooks array', async () => {
    const msg = await refusal(editManifest(SEEDS['bundle-pq32'], (m) => { m.encoder.arrays.codebooks.length -= 1; }));
    assert.match(msg, /encoder\.bin: pq encoder array 'codebooks' holds \d+ values, expected \d+ \(256 centroids per subspace\); .*export it again/);
  });

  it('an encoder.bin cut short (the manifest agrees with the cut file)', async () => {
    const s = SEEDS['bundle-pq32'];
    const msg = await refusal(withFile(s, 'encoder.bin', s['encoder.bin'].slice(0, s['encoder.bin'].length - 1024)));
    assert.match(msg, /encoder array codebooks lies outside encoder\.bin/);
  });

  it('pq subspace sizes that do not add up to the rotation', async () => {
    const s = SEEDS['bundle-pq32'];
    const m = JSON.parse(new TextDecoder().decode(s['manifest.json']));
    const enc = new Uint8Array(s['encoder.bin']);
    const view = new DataView(enc.buffer);
    const at = m.encoder.arrays.subspaceDims.offset;
    view.setFloat32(at, view.getFloat32(at, true) + 1, true);
    const msg = await refusal(withFile(s, 'encoder.bin', enc, m));
    assert.match(msg, /pq encoder array 'rotation' holds \d+ values, expected \d+ \(subspace sizes x dimension\)/);
  });

  it('a truncated pcaq levels array', async () => {
    const msg = await refusal(editManifest(SEEDS['bundle-pcaq32'], (m) => { m.encoder.arrays.levels.length -= 2; }));
    assert.match(msg, /pcaq encoder array 'levels' holds \d+ values, expected \d+ \(2\^bits per field\)/);
  });

  it('a pcaq field that straddles a byte', async () => {
    const s = SEEDS['bundle-pcaq32'];
    const m = JSON.parse(new TextDecoder().decode(s['manifest.json']));
    const enc = new Uint8Array(s['encoder.bin']);
    new DataView(enc.buffer).setFloat32(m.encoder.arrays.fieldShift.offset, 7.5, true);
    const msg = await refusal(withFile(s, 'encoder.bin', enc, m));
    assert.match(msg, /pcaq field 0 has an invalid layout/);
  });

  it('a pq bundle that names a norms.bin', async () => {
    const s = SEEDS['bundle-pq32'];
    const files = withFile(editManifest(s, (m) => {
      m.norms = { file: 'norms.bin' };
      m.files.push({ name: 'norms.bin', bytes: 0, sha256: '0'.repeat(64) });
    }), 'norms.bin', new Uint8Array(96));
    assert.match(await refusal(files), /pq bundles carry no norms/);
  });

  it('a byte-table bundle whose manifest says the scores are not normalised', async () => {
    const msg = await refusal(editManifest(SEEDS['bundle-pcaq32'], (m) => { m.encoder.normalized = false; }));
    assert.match(msg, /pcaq scores are normalised, but the manifest says "normalized": false/);
  });
});
