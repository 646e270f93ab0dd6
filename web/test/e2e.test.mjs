// End-to-end in headless Chromium: build collections from real data with the Java CLI, export them with
// export-web, serve them on loopback, search in the page and compare with the Java search:
// - vector queries (reference embeddings): top-10 ids and float32 scores identical to `bitsieve search --json`,
//   both modes, for a witq collection (normalised scores), a simhash one (100 bits: partial bytes and words), a
//   witq one whose last 8 bits hold the correction factor (fit --set factorBits=8), and pcaq and pq ones (byte-table
//   scores, norms rebuilt by the page); with a metadata filter (text and JSON form) against `bitsieve search --filter`;
// - typed text queries: the page's vector vs the Java embedder's (cosine >= 0.999), and the page's top-10 vs the
//   Java search run on the page's own vector (identical ids and scores);
// - bad bundles (truncated, wrong checksum, unknown version, missing file, corrupt tokenizer, a pq table array one
//   value short) show a clear message and no results.
// Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import {
  ARTIFACTS, CHROMIUM, SHARED, WEB, bitsieve, cosine, limited, readJsonl, readNpy, requireSetup, SHARED_SKIP, writeNpy,
} from './helpers.mjs';

const K = 10;
const MODES = ['asymmetric', 'hamming'];
const QUERY_ROWS = [0, 7, 42, 300, 1000]; // rows of sst2/test.npy: movie-review sentences not in the collection

let tmp;
let server;
let base;
let browser;
const coll = {};

/** Java top-10 as [{id, score}] for a row of a vector file. */
async function javaSearch(collection, vectorFile, row, mode) {
  const out = await bitsieve('search', collection, '--vector-file', vectorFile, '--row', String(row), '-k', String(K),
    '--mode', mode, '--oversample', '1', '--json');
  return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).map((h) => ({ id: h.id, score: Math.fround(h.score) }));
}

async function openPage(bundle) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) errors.push(`request outside the page's origin: ${r.url()}`);
  });
  await page.goto(`${base}?bundle=/bundles/${bundle}/`);
  await page.waitForFunction(() => window.bitsieveDemo && ['ready', 'error'].includes(window.bitsieveDemo.state), null,
    { timeout: 90_000 });
  return { page, errors };
}

function assertSameRanking(page, java, what) {
  assert.deepEqual(page.ids, java.map((h) => h.id), `${what}: top-${K} ids`);
  // scores are float32 in both: the page reproduces Java's float arithmetic, so they are equal, not just close
  assert.deepEqual(page.scores.map(Math.fround), java.map((h) => h.score), `${what}: scores`);
}

before(async () => {
  if (SHARED_SKIP) return; // every test below is skipped with this reason
  requireSetup();
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'bitsieve-web-'));
  const docs = join(SHARED, 'data/mr/test.jsonl.gz');
  const vectors = join(SHARED, 'embeddings/all-minilm-l6-v2/mr/test.npy');
  coll.witq = join(tmp, 'mr-witq');
  coll.simhash = join(tmp, 'mr-simhash');
  coll['witq-factor'] = join(tmp, 'mr-witq-factor');
  coll.pcaq = join(tmp, 'mr-pcaq');
  coll.pq = join(tmp, 'mr-pq');
  // witq whose last 8 bits hold the correction factor (fit --set factorBits=8), fitted on MR's train vectors
  const factorEncoder = join(tmp, 'witq-factor.bse');
  await bitsieve('fit', join(SHARED, 'embeddings/all-minilm-l6-v2/mr/train.npy'), '-b', '256', '--set', 'factorBits=8',
    '-o', factorEncoder);
  await limited(2, [
    () => bitsieve('index', coll.witq, '--vectors', vectors, '--docs', docs, '--keep-floats', 'none', '-q'),
    () => bitsieve('index', coll.simhash, '--vectors', vectors, '--docs', docs, '--encoder-kind', 'simhash', '--bits', '100',
      '--keep-floats', 'none', '-q'),
    () => bitsieve('index', coll['witq-factor'], '--vectors', vectors, '--docs', docs, '--encoder', factorEncoder,
      '--keep-floats', 'none', '-q'),
    // the byte-table encoders, fitted on the documents they index
    () => bitsieve('index', coll.pcaq, '--vectors', vectors, '--docs', docs, '--encoder-kind', 'pcaq', '--bits', '256',
      '--keep-floats', 'none', '-q'),
    () => bitsieve('index', coll.pq, '--vectors', vectors, '--docs', docs, '--encoder-kind', 'pq', '--bits', '256',
      '--keep-floats', 'none', '-q'),
  ]);
  await limited(2, [
    () => bitsieve('export-web', coll.witq, join(tmp, 'b-witq'), '--with-model'),
    () => bitsieve('export-web', coll.simhash, join(tmp, 'b-simhash'), '--snippet', '80'),
    () => bitsieve('export-web', coll['witq-factor'], join(tmp, 'b-witq-factor')),
    () => bitsieve('export-web', coll.pcaq, join(tmp, 'b-pcaq')),
    () => bitsieve('export-web', coll.pq, join(tmp, 'b-pq')),
  ]);
  const mounts = { '/': join(WEB, 'dist') };
  for (const b of ['witq', 'simhash', 'witq-factor', 'pcaq', 'pq']) mounts[`/bundles/${b}/`] = join(tmp, `b-${b}`);
  for (const bad of makeBadBundles()) mounts[`/bundles/${bad}/`] = join(tmp, bad);
  ({ server, url: base } = await serve({ mounts }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Damaged copies of the bundles, one fault each. */
function makeBadBundles() {
  const copy = (name, from = 'b-simhash') => {
    cpSync(join(tmp, from), join(tmp, name), { recursive: true });
    return join(tmp, name);
  };
  let d = copy('bad-truncated');
  truncateSync(join(d, 'codes.bin'), readFileSync(join(d, 'codes.bin')).length - 100);
  d = copy('bad-checksum');
  const docs = readFileSync(join(d, 'docs.bin'));
  docs[docs.length >> 1] ^= 0x40; // same length, one bit flipped
  writeFileSync(join(d, 'docs.bin'), docs);
  d = copy('bad-version');
  const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
  m.version = 2;
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
  d = copy('bad-missing');
  rmSync(join(d, 'encoder.bin'));
  // the witq bundle with a corrupt tokenizer (the 90 MB model is linked, not copied)
  d = join(tmp, 'bad-tokenizer');
  mkdirSync(d);
  for (const f of readdirSync(join(tmp, 'b-witq'))) {
    if (f === 'tokenizer.json') {
      writeFileSync(join(d, f), readFileSync(join(tmp, 'b-witq', f), 'utf8').replace('[CLS]', '[CLZ]'));
    } else {
      symlinkSync(join(tmp, 'b-witq', f), join(d, f));
    }
  }
  // the pq bundle with its codebooks array one float short in the manifest (the file's checksum still holds)
  d = copy('bad-pq-table', 'b-pq');
  const pm = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
  pm.encoder.arrays.codebooks.length -= 1;
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(pm));
  return ['bad-truncated', 'bad-checksum', 'bad-version', 'bad-missing', 'bad-tokenizer', 'bad-pq-table'];
}

describe('vector queries: the page ranks exactly as the Java search', { skip: SHARED_SKIP }, () => {
  const sst2 = () => join(SHARED, 'embeddings/all-minilm-l6-v2/sst2/test.npy');

  // pcaq and pq: fewer queries here, the node test bytetable.test.mjs checks their maths more widely; these check
  // the page path (worker, norms rebuilt at load)
  for (const [kind, queryRows] of [['witq', QUERY_ROWS], ['simhash', QUERY_ROWS], ['witq-factor', QUERY_ROWS], ['pcaq', [0, 42]],
    ['pq', [0, 42]]]) {
    it(`${kind} collection, both modes`, async () => {
      const rows = readNpy(sst2());
      const cases = queryRows.flatMap((row) => MODES.map((mode) => ({ row, mode })));
      // one process per collection at a time (the store's lock), so one JVM after another
      const java = await limited(1, cases.map((c) => () => javaSearch(coll[kind], sst2(), c.row, c.mode)));
      const { page, errors } = await openPage(kind);
      assert.equal(await page.evaluate(() => window.bitsieveDemo.state), 'ready');
      let ties = 0;
      for (let i = 0; i < cases.length; i++) {
        const { row, mode } = cases[i];
        const got = await page.evaluate(([v, m]) => window.bitsieveDemo.searchVector(v, m, 10), [Array.from(rows[row]), mode]);
        assertSameRanking(got, java[i], `${kind} row ${row} ${mode}`);
        ties += got.scores.filter((s, j) => j > 0 && s === got.scores[j - 1]).length;
      }
      // Hamming distances tie often: make sure the tie rule (earlier document first) was really exercised
      assert.ok(ties > 0, 'no tied scores among the results: the tie-break was not tested');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});

describe('filtered vector queries: the page filters exactly as the Java search', { skip: SHARED_SKIP }, () => {
  it('simhash collection, --filter / where in both forms, both modes', async () => {
    const sst2 = join(SHARED, 'embeddings/all-minilm-l6-v2/sst2/test.npy');
    const rows = readNpy(sst2);
    const expr = 'label == 1';
    const cases = [0, 42].flatMap((row) => MODES.map((mode) => ({ row, mode })));
    const java = await limited(1, cases.map((c) => async () => {
      const out = await bitsieve('search', coll.simhash, '--vector-file', sst2, '--row', String(c.row), '-k', String(K),
        '--mode', c.mode, '--oversample', '1', '--json', '--filter', expr);
      return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).map((h) => ({ id: h.id, score: Math.fround(h.score) }));
    }));
    const { page, errors } = await openPage('simhash');
    for (let i = 0; i < cases.length; i++) {
      const { row, mode } = cases[i];
      for (const where of [expr, { field: 'label', op: 'eq', value: 1 }]) {
        const got = await page.evaluate(([v, m, w]) => window.bitsieveDemo.searchVector(v, m, 10, w), [Array.from(rows[row]), mode, where]);
        assertSameRanking(got, java[i], `filtered row ${row} ${mode} ${JSON.stringify(where)}`);
      }
    }
    const bad = await page.evaluate(() => window.bitsieveDemo.searchVector(new Array(384).fill(0.1), 'hamming', 10, "label == 'x'")
      .then(() => 'no error', (e) => e.message));
    assert.match(bad, /type mismatch/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('typed text queries embedded in the page', { skip: SHARED_SKIP }, () => {
  it('vectors match the Java embedder and results match the Java search on the same vector', async (t) => {
    const long = readJsonl(join(SHARED, 'data/imdb/test.jsonl.gz')).map((r) => r.text).find((t) => t.length > 3000);
    const texts = [
      'a funny and touching film about friendship',
      'the worst movie I have seen, boring and far too long',
      'Café société: naïve, über-stylish — and 100% charming!?',
      long, // far beyond 256 tokens: exercises truncation
    ];
    writeFileSync(join(tmp, 'queries.jsonl'), texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const javaVectorsRun = bitsieve('embed', join(tmp, 'queries.jsonl'), '-o', join(tmp, 'java-q.npy'), '--role', 'QUERY',
      '--no-cache');

    const { page, errors } = await openPage('witq');
    assert.equal(await page.evaluate(() => window.bitsieveDemo.state), 'ready');
    const status = await page.textContent('#status');
    assert.match(status, /2,132 documents, 256-bit witq codes/);
    const typed = [];
    let seq = 0;
    for (const text of texts) {
      for (const mode of MODES) {
        await page.fill('#q', text);
        await page.check(`input[name=mode][value=${mode}]`); // a mode switch re-runs the query on the screen
        await page.press('#q', 'Enter');
        seq++;
        await page.waitForFunction(([t, m]) => {
          const l = window.bitsieveDemo.last;
          return l && l.text === t && l.mode === m;
        }, [text, mode], { timeout: 30_000 });
        const last = await page.evaluate(() => window.bitsieveDemo.last);
        assert.equal(last.text, text);
        assert.equal(last.mode, mode);
        assert.equal(await page.locator('#results li').count(), K);
        assert.match(await page.textContent('#timing'), /from 2132 documents: embedding [\d.]+ ms, search [\d.]+ ms/);
        typed.push(last);
        if (seq === 1) await page.screenshot({ path: join(ARTIFACTS, 'e2e-text-query.png'), fullPage: true });
        if (seq === 4) await page.screenshot({ path: join(ARTIFACTS, 'e2e-text-query-hamming.png'), fullPage: true });
      }
    }
    assert.deepEqual(errors, []);
    await page.close();

    await javaVectorsRun;
    const javaVectors = readNpy(join(tmp, 'java-q.npy'));
    const pageVectors = texts.map((_, i) => typed[2 * i].vector);
    for (let i = 0; i < texts.length; i++) {
      const c = cosine(pageVectors[i], javaVectors[i]);
      assert.ok(c >= 0.999, `text ${i}: cosine(page, Java) = ${c}`);
      t.diagnostic(`text ${i} (${texts[i].length} chars): 1 - cosine(page vector, Java vector) = ${(1 - c).toExponential(2)}`);
      // the same text gives the same vector in both modes
      assert.deepEqual(typed[2 * i + 1].vector, typed[2 * i].vector);
    }
    writeNpy(join(tmp, 'page-q.npy'), pageVectors.map((v) => Float32Array.from(v)));
    const java = await limited(1, typed.map((t, n) => () => javaSearch(coll.witq, join(tmp, 'page-q.npy'), n >> 1, t.mode)));
    typed.forEach((t, n) => assertSameRanking(t, java[n], `text ${n >> 1} ${t.mode}`));
  });
});

describe('bad bundles show a clear message instead of results', { skip: SHARED_SKIP }, () => {
  const cases = {
    'bad-truncated': /codes\.bin is truncated: \d+ bytes, the manifest says \d+/,
    'bad-checksum': /docs\.bin is corrupt: its SHA-256 is/,
    'bad-version': /unsupported bundle version 2: this page reads version 1/,
    'bad-missing': /encoder\.bin is missing from the bundle \(HTTP 404\)/,
    'bad-tokenizer': /tokenizer\.json is corrupt: its SHA-256 is/,
    'bad-pq-table': /encoder\.bin: pq encoder array 'codebooks' holds \d+ values, expected \d+/,
  };
  for (const [bundle, message] of Object.entries(cases)) {
    it(bundle, async () => {
      const { page } = await openPage(bundle);
      assert.equal(await page.evaluate(() => window.bitsieveDemo.state), 'error');
      assert.ok(await page.isVisible('#error'));
      assert.match(await page.textContent('#error'), message);
      assert.equal(await page.locator('#results li').count(), 0);
      assert.ok(await page.isDisabled('#q'), 'the search box must stay disabled');
      await page.screenshot({ path: join(ARTIFACTS, `e2e-${bundle}.png`), fullPage: true });
      await page.close();
    });
  }
});

describe('the page as a product (phone-sized viewport, throttled model download)', { skip: SHARED_SKIP }, () => {
  it('shows the model download with its size, takes a query meanwhile, and behaves on a 390 px screen', async (t) => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // ~30 MB/s: the 90 MB model takes ~3 s, long enough to see the bar and to type before it is ready
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 30e6, uploadThroughput: 30e6 });
    await page.goto(`${base}?bundle=/bundles/witq/`);

    // the bar appears with the model's size as soon as the download starts
    await page.waitForSelector('#model-load:not([hidden])', { timeout: 30_000 });
    assert.match(await page.textContent('#model-progress-text'), /^model [\d.]+ MB of 9\d MB \(\d+%\)$/);
    await page.waitForFunction(() => window.bitsieveDemo.modelFirstProgressMs !== null, null, { timeout: 30_000 });
    const hook = await page.evaluate(() => ({ ...window.bitsieveDemo }));
    const toFirstBytes = hook.modelFirstProgressMs - hook.modelStartMs;
    t.diagnostic(`model ${(hook.modelBytes / 1e6).toFixed(1)} MB: bar shown at ${hook.modelStartMs.toFixed(0)} ms, first bytes counted `
      + `${toFirstBytes.toFixed(0)} ms after the download started`);
    // The 200 ms target is a speed figure, reported by the diagnostic above (docs/web.md), not asserted: a timed
    // assertion fails on a loaded machine. What must hold is that progress is counted while the bytes arrive:
    assert.ok(hook.modelFirstProgressMs >= hook.modelStartMs, 'first bytes counted after the download started');
    assert.ok(hook.modelFirstProgressBytes > 0 && hook.modelFirstProgressBytes < hook.modelBytes,
      'the first progress report came before the whole model had arrived');

    // typing is allowed while the model loads; the query runs when it is ready
    assert.notEqual(await page.evaluate(() => window.bitsieveDemo.state), 'ready', 'the model should still be loading');
    assert.ok(await page.isEnabled('#q'));
    await page.fill('#q', 'a warm and funny film');
    await page.press('#q', 'Enter');
    // the handler awaits the index first, so the message appears a moment after the key press
    await page.waitForFunction(() => /runs as soon as the model has loaded/.test(document.getElementById('timing').textContent),
      null, { timeout: 30_000 });
    const progressDuring = await page.evaluate(() => Number(document.getElementById('model-progress').value));
    await page.waitForFunction(() => window.bitsieveDemo.last?.text === 'a warm and funny film', null, { timeout: 60_000 });
    assert.ok(progressDuring > 0, 'the bar moved');
    assert.ok(await page.isHidden('#model-load'), 'the bar goes away when the model is ready');
    assert.equal(await page.locator('#results li').count(), K);
    // metadata reads as key: value, not JSON
    const fields = await page.textContent('#results li .fields');
    assert.match(fields, /^label: \S+/);
    assert.ok(!fields.includes('{'), fields);
    // what the page is and what the scores mean
    assert.match(await page.textContent('#about'), /entirely in this browser/);
    assert.match(await page.textContent('#scores-help'), /asymmetric.*Hamming/s);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-phone-390.png'), fullPage: true });

    // switching the scoring re-runs the query on the screen
    await page.check('input[name=mode][value=hamming]');
    await page.waitForFunction(() => window.bitsieveDemo.last?.mode === 'hamming', null, { timeout: 30_000 });
    assert.match(await page.textContent('#timing'), /\(hamming\)/);

    // a 5,000-character query is echoed clipped
    await page.fill('#q', 'endless words '.repeat(360).slice(0, 5000));
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => window.bitsieveDemo.last?.text.length === 5000, null, { timeout: 30_000 });
    const timing = await page.textContent('#timing');
    assert.ok(timing.length < 300 && timing.includes('…'), timing);

    // an empty query clears the old results
    await page.fill('#q', '');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 0, null, { timeout: 10_000 });
    assert.equal(await page.textContent('#timing'), '');

    // touch targets of at least 44 x 44 px, and nothing wider than the phone
    for (const sel of ['#q', '#go', '#modes label:nth-of-type(1)', '#modes label:nth-of-type(2)']) {
      const b = await page.locator(sel).boundingBox();
      assert.ok(b.height >= 44 && b.width >= 44, `${sel} is ${b.width.toFixed(0)} x ${b.height.toFixed(0)} px`);
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling at 390 px');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
