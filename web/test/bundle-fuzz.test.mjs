// Fuzzes the bundle reader (src/bundle.js) with mutations of a real bundle kept in test/fuzz/bundle-simhash64/
// (written by `bitsieve export-web` from a 24-document simhash-64 collection, without the model). Two kinds of
// input: a manifest with one field removed or replaced by an odd value (null, a string, -1, 2^53, an array, an
// object, a huge length), and a file (codes, encoder, docs) with bytes flipped, truncated or extended, with the
// manifest's size and SHA-256 updated so the mutation reaches the parsing. The property: readManifest + loadIndex
// resolve, or reject with a BundleError that has a message; never a TypeError, RangeError or other crash.
// Tries: BITSIEVE_FUZZ_TRIES (default 300, a second or two); e.g. BITSIEVE_FUZZ_TRIES=100000 node --test test/bundle-fuzz.test.mjs
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BundleError, loadIndex, readManifest } from '../src/bundle.js';
import { WEB } from './helpers.mjs';

const SEED_DIR = join(WEB, 'test/fuzz/bundle-simhash64');
const TRIES = Number(process.env.BITSIEVE_FUZZ_TRIES || 300);
const seed = Object.fromEntries(readdirSync(SEED_DIR).map((f) => [f, new Uint8Array(readFileSync(join(SEED_DIR, f)))]));
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
  const m = JSON.parse(new TextDecoder().decode(seed['manifest.json']));
  const entry = m.files.find((f) => f.name === name);
  entry.bytes = bytes.byteLength;
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  return { ...seed, [name]: bytes, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) };
}

async function property(files) {
  try {
    await withFiles(files, async (url) => {
      const m = await readManifest(url);
      await loadIndex(url, m);
    });
  } catch (e) {
    if (!(e instanceof BundleError) || !e.message) {
      const manifest = new TextDecoder().decode(files['manifest.json']);
      assert.fail(`the reader threw ${e && e.name}: ${e && e.message}\nmanifest: ${manifest.slice(0, 400)}`);
    }
  }
}

describe('bundle reader under mutation: only BundleErrors', () => {
  it('the unmutated seed loads', async () => {
    await withFiles(seed, async (url) => {
      const idx = await loadIndex(url, await readManifest(url));
      assert.equal(idx.docs.ids.length, 24);
    });
  });

  // Before bundle.js checked the manifest's shape (checkShape), this found TypeErrors and RangeErrors
  // (`manifest.files.find is not a function`, `new Float32Array` with a negative length).
  it('mutated manifests', async () => {
    const r = rng(12345 + TRIES);
    for (let t = 0; t < TRIES; t++) await property(mutateManifest(r));
  });

  it('mutated files with a matching manifest', async () => {
    const r = rng(777 + TRIES);
    for (let t = 0; t < TRIES; t++) await property(mutateFile(r));
  });
});
