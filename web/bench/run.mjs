// Benchmark of the browser search in headless Chromium (not part of the tests; tools/web-bench.sh runs it).
//   node bench/run.mjs --bundle DIR [--bundle-model DIR] [--queries q.npy] [--texts t.jsonl.gz] [--long-texts t.jsonl.gz] [--runs 5]
// Measures: bundle and codes sizes; load to first result (navigation start to the first ranked list, fresh
// browser context each run, so nothing cached); per-query search time (worker time: query encode/table + scan;
// and with the page-worker round trip) for Hamming and asymmetric; query embedding time per text.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { serve } from '../scripts/serve.mjs';
import { readJsonl, readNpy, WEB, CHROMIUM } from '../test/helpers.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
if (!args.bundle) {
  console.error('usage: node bench/run.mjs --bundle DIR [--bundle-model DIR] [--queries q.npy] [--texts t.jsonl.gz] [--long-texts t.jsonl.gz] [--runs 5]');
  process.exit(2);
}
const runs = Number(args.runs || 5);
const queries = args.queries ? readNpy(args.queries).slice(0, 220) : null;
const texts = args.texts ? readJsonl(args.texts).map((r) => r.text) : null;
const longTexts = args['long-texts'] ? readJsonl(args['long-texts']).map((r) => r.text).filter((t) => t.length > 1500).slice(0, 13) : [];

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
const fmt = (x) => x.toFixed(1);

const mounts = { '/': join(WEB, 'dist'), '/bundles/plain/': args.bundle };
if (args['bundle-model']) mounts['/bundles/model/'] = args['bundle-model'];
const { server, url } = await serve({ mounts });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const out = {};

async function fresh(bundle) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${url}?bundle=/bundles/${bundle}/`);
  return { context, page };
}

try {
  // sizes, from the manifest
  const m = await (await fetch(`${url}bundles/plain/manifest.json`)).json();
  const size = (name) => m.files.find((f) => f.name === name).bytes;
  const manifestBytes = JSON.stringify(m, null, 2).length;
  out.documents = m.documents;
  out.bits = m.bits;
  out.encoder = m.encoder.kind;
  out.codesBytes = size(m.codes.file);
  out.bundleBytesWithoutModel = m.files.filter((f) => f.name !== 'model.onnx' && f.name !== 'tokenizer.json')
    .reduce((s, f) => s + f.bytes, 0) + manifestBytes;
  out.files = Object.fromEntries(m.files.map((f) => [f.name, f.bytes]));

  // load to first result, vector query, bundle without model
  const q0 = queries ? Array.from(queries[0]) : null;
  if (q0) {
    const firsts = [];
    const loads = [];
    for (let r = 0; r < runs; r++) {
      const { context, page } = await fresh('plain');
      await page.waitForFunction(() => window.bitsieveDemo && ['index-ready', 'ready', 'error'].includes(window.bitsieveDemo.state));
      await page.evaluate((v) => window.bitsieveDemo.searchVector(v, 'asymmetric', 10), q0);
      const t = await page.evaluate(() => ({ first: window.bitsieveDemo.firstResultMs, load: window.bitsieveDemo.loadMs }));
      firsts.push(t.first);
      loads.push(t.load);
      await context.close();
    }
    out.loadToFirstResultMs = { median: median(firsts), all: firsts.map(fmt) };
    out.loadIndexMs = { median: median(loads), all: loads.map(fmt) };
  }

  // per-query search time over all codes, one page, after warm-up
  if (queries) {
    const { context, page } = await fresh('plain');
    await page.waitForFunction(() => window.bitsieveDemo && window.bitsieveDemo.state === 'ready');
    for (const mode of ['hamming', 'asymmetric']) {
      const scan = [];
      const total = [];
      for (let i = 0; i < queries.length; i++) {
        const r = await page.evaluate(([v, md]) => window.bitsieveDemo.searchVector(v, md, 10), [Array.from(queries[i]), mode]);
        if (i >= 20) { // warm-up: the first queries run before the JIT has compiled the scan
          scan.push(r.scanMs);
          total.push(r.totalMs);
        }
      }
      out[`${mode}Ms`] = { queries: scan.length, workerMedian: median(scan), workerP90: pct(scan, 0.9), roundTripMedian: median(total), roundTripP90: pct(total, 0.9) };
    }
    await context.close();
  }

  // with the model: load to first result of a typed text query, and embedding time per query
  if (args['bundle-model'] && texts) {
    const firsts = [];
    const models = [];
    for (let r = 0; r < Math.min(runs, 3); r++) {
      const { context, page } = await fresh('model');
      await page.waitForFunction(() => window.bitsieveDemo && ['ready', 'error'].includes(window.bitsieveDemo.state), null, { timeout: 120_000 });
      await page.fill('#q', texts[0]);
      await page.press('#q', 'Enter');
      await page.waitForSelector('#results[data-seq="1"]');
      const t = await page.evaluate(() => ({ first: window.bitsieveDemo.firstResultMs, model: window.bitsieveDemo.modelMs }));
      firsts.push(t.first);
      models.push(t.model);
      await context.close();
    }
    out.withModel = { loadToFirstTextResultMs: { median: median(firsts), all: firsts.map(fmt) }, modelReadyMs: { median: median(models), all: models.map(fmt) } };
    const { context, page } = await fresh('model');
    await page.waitForFunction(() => window.bitsieveDemo && window.bitsieveDemo.state === 'ready', null, { timeout: 120_000 });
    const time = async (list) => {
      const ms = [];
      for (const t of list) {
        const t0 = await page.evaluate(() => performance.now());
        await page.evaluate((x) => window.bitsieveDemo.embed(x), t);
        ms.push(await page.evaluate(() => performance.now()) - t0);
      }
      return ms.slice(3); // the first runs warm the WebAssembly code up
    };
    const short = texts.filter((t) => t.length < 200).slice(0, 43);
    const long = longTexts;
    const s = await time(short);
    const l = long.length ? await time(long) : [NaN];
    out.withModel.embedShortMs = { texts: s.length, median: median(s), p90: pct(s, 0.9), chars: `${Math.min(...short.map((t) => t.length))}-${Math.max(...short.map((t) => t.length))}` };
    out.withModel.embedLongMs = { texts: l.length, median: median(l), p90: pct(l, 0.9), note: 'over 1500 characters: truncated at the model token limit' };
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(out, null, 2));
