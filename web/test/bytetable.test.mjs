// The byte-table encoders (pcaq, pq) in the library against the Java CLI, in node (the scan and encoder code is the
// same the worker runs; the page plumbing around it is covered by e2e.test.mjs): the 2,132 MR test sentences indexed
// with their reference vectors (the index fits the encoder on them) and exported with export-web,
// the bundle read through bundle.js (checksums, arrays, norms rebuilt from the codes), then
// - every document's code re-encoded in JavaScript from its reference vector equals codes.bin (the Hamming query
//   side, bit for bit);
// - 3 SST-2 test vectors x 2 modes x 3 collections (pcaq 256 bits, pcaq 100 bits: partial bytes and words, pq 256
//   bits): top-10 ids and float32 scores identical to `bitsieve search --vector-file ... --oversample 1 --json`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadIndex, readManifest } from '../src/bundle.js';
import { codeNorms, makeEncoder } from '../src/encoder.js';
import { asymmetricTopK, hammingTopK } from '../src/search.js';
import { CLASSPATH, ROOT, SHARED, SHARED_SKIP, bitsieve, limited, readNpy } from './helpers.mjs';

const K = 10;
const QUERY_ROWS = [0, 42, 1000]; // rows of sst2/test.npy (one JVM start each: ~3 s on this machine)
const MODES = ['asymmetric', 'hamming'];
const QUERY_FILE = () => join(SHARED, 'embeddings/all-minilm-l6-v2/sst2/test.npy');
const COLLECTIONS = [['pcaq', 256], ['pcaq', 100], ['pq', 256]];
const name = ([kind, bits]) => `${kind}${bits}`;

let tmp;
const loaded = {};

/** Serves a bundle folder through a stubbed fetch, as a static server would. */
async function loadBundle(dir) {
  const saved = globalThis.fetch;
  globalThis.fetch = async (url) => {
    const p = join(dir, decodeURIComponent(new URL(url).pathname.split('/').pop()));
    return existsSync(p) ? new Response(readFileSync(p)) : new Response('missing', { status: 404 });
  };
  try {
    const url = 'http://bundle.test/b/';
    return await loadIndex(url, await readManifest(url));
  } finally {
    globalThis.fetch = saved;
  }
}

async function javaSearch(collection, vectorFile, row, mode) {
  const out = await bitsieve('search', collection, '--vector-file', vectorFile, '--row', String(row), '-k', String(K),
    '--mode', mode, '--oversample', '1', '--json');
  return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).map((h) => ({ id: h.id, score: Math.fround(h.score) }));
}

function jsSearch(idx, enc, norms, vector, mode) {
  const stride = idx.manifest.codes.wordsPerCode * 8;
  const n = idx.manifest.documents;
  const top = mode === 'hamming'
    ? hammingTopK(new Uint32Array(idx.codes), stride >>> 2, n, enc.encode(vector), K)
    : asymmetricTopK(new Uint8Array(idx.codes), stride, enc.bytes, n, enc.table(vector), norms, K);
  return top.rows.map((row, i) => ({ id: idx.docs.ids[row], score: top.scores[i] }));
}

before(async () => {
  if (SHARED_SKIP) return;
  if (!existsSync(join(ROOT, 'bitsieve-cli/target/bitsieve-cli.jar')) && !process.env.BITSIEVE_CLASSPATH) {
    throw new Error(`no CLI jar (${CLASSPATH}): build it first (mvn -DskipTests package -pl bitsieve-cli -am)`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'bitsieve-webpq-'));
  const emb = join(SHARED, 'embeddings/all-minilm-l6-v2/mr');
  await limited(2, COLLECTIONS.map((c) => async () => {
    const [kind, bits] = c;
    // the index fits the encoder on the documents it indexes (2,132 reference vectors)
    await bitsieve('index', join(tmp, `c-${name(c)}`), '--vectors', join(emb, 'test.npy'),
      '--docs', join(SHARED, 'data/mr/test.jsonl.gz'), '--encoder-kind', kind, '--bits', String(bits), '--keep-floats', 'none', '-q');
    await bitsieve('export-web', join(tmp, `c-${name(c)}`), join(tmp, `b-${name(c)}`));
    const idx = await loadBundle(join(tmp, `b-${name(c)}`));
    const java = {};
    for (const mode of MODES) {
      java[mode] = [];
      // one search at a time per collection: a collection is open in one process only
      for (const row of QUERY_ROWS) java[mode].push(await javaSearch(join(tmp, `c-${name(c)}`), QUERY_FILE(), row, mode));
    }
    const enc = makeEncoder(idx.manifest.encoder, idx.encoderArrays);
    // as the worker does
    const norms = codeNorms(enc, new Uint8Array(idx.codes), idx.manifest.codes.wordsPerCode * 8, idx.manifest.documents, idx.norms);
    loaded[name(c)] = { idx, enc, norms, java };
  }));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pcaq and pq bundles: the page computes what the Java search computes', { skip: SHARED_SKIP }, () => {
  for (const c of COLLECTIONS) {
    it(`${name(c)}: the manifest describes a normalised byte-table scorer without norms.bin`, () => {
      const { idx, norms } = loaded[name(c)];
      const e = idx.manifest.encoder;
      assert.equal(e.scoring, c[0]);
      assert.equal(e.normalized, true);
      assert.equal(idx.manifest.norms, null);
      assert.equal(idx.manifest.files.some((f) => f.name === 'norms.bin'), false);
      assert.equal(idx.norms, null, 'the reader returns no shipped norms');
      assert.equal(norms.length, 2132);
      assert.ok(norms.every((x) => x > 0 && Number.isFinite(x)), 'every code has a positive inverse norm');
    });

    it(`${name(c)}: JavaScript encodes every document's vector to the code Java stored`, () => {
      const { idx, enc } = loaded[name(c)];
      const vectors = readNpy(join(SHARED, 'embeddings/all-minilm-l6-v2/mr/test.npy'));
      const words32 = idx.manifest.codes.wordsPerCode * 2;
      const codes = new Uint32Array(idx.codes);
      assert.equal(vectors.length, idx.manifest.documents);
      for (let i = 0; i < vectors.length; i++) {
        const got = enc.encode(vectors[i]);
        assert.deepEqual(Array.from(got), Array.from(codes.subarray(i * words32, (i + 1) * words32)), `document row ${i}`);
      }
    });

    for (const mode of MODES) {
      it(`${name(c)} ${mode}: top-${K} ids and scores equal bitsieve search`, () => {
        const { idx, enc, norms } = loaded[name(c)];
        const java = loaded[name(c)].java[mode];
        const queries = readNpy(QUERY_FILE());
        let ties = 0;
        QUERY_ROWS.forEach((row, q) => {
          const js = jsSearch(idx, enc, norms, queries[row], mode);
          assert.deepEqual(js.map((h) => h.id), java[q].map((h) => h.id), `query row ${row}: ids`);
          // float32 in both, and the page repeats Java's float operations: equal, not merely close
          assert.deepEqual(js.map((h) => h.score), java[q].map((h) => h.score), `query row ${row}: scores`);
          for (let i = 1; i < js.length; i++) if (js[i].score === js[i - 1].score) ties++;
        });
        if (mode === 'hamming') assert.ok(ties > 0, 'the Hamming results hold tied scores, so the tie rule is exercised');
      });
    }
  }
});
