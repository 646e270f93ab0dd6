// The demo page: opens the bundle named by ?bundle= (default ./bundle/), searches what is typed.
// window.bitsieveDemo is a small hook for tests and benchmarks (state, the last query's vector and results).
import { BitsieveSearch } from './lib/index.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const bundleUrl = new URL(params.get('bundle') || './bundle/', location.href).href;
// load and first-result times are what a visitor waits: from navigation start
const t0 = 0; // performance.now() counts from navigation start

const hook = { state: 'loading', error: null, last: null, seq: 0, firstResultMs: null, loadMs: null, modelMs: null };
window.bitsieveDemo = hook;

function fail(message) {
  hook.state = 'error';
  hook.error = message;
  $('results').replaceChildren();
  $('timing').textContent = '';
  $('error').textContent = message;
  $('error').hidden = false;
  $('q').disabled = true;
  $('go').disabled = true;
  $('status').textContent = 'This bundle cannot be searched.';
}

function mb(bytes) { return `${(bytes / 1e6).toFixed(2)} MB`; }

function render(r, text, mode) {
  const list = $('results');
  list.replaceChildren(...r.results.map((h) => {
    const li = document.createElement('li');
    li.dataset.id = h.id;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${h.score.toFixed(mode === 'hamming' ? 0 : 4)}  ${h.id}`
      + (h.metadata ? `  ${JSON.stringify(h.metadata)}` : '');
    const t = document.createElement('span');
    t.className = 'text';
    t.textContent = h.text;
    li.append(meta, t);
    return li;
  }));
  const embed = r.embedMs !== undefined ? `embedding ${r.embedMs.toFixed(1)} ms, ` : '';
  $('timing').textContent = `${r.results.length} results for “${text}” (${mode}) from ${hook.count} documents: `
    + `${embed}search ${r.scanMs.toFixed(1)} ms (${r.totalMs.toFixed(1)} ms with the worker round trip)`;
  list.dataset.seq = String(++hook.seq);
}

let engine;
async function run(event) {
  event?.preventDefault();
  const text = $('q').value;
  const mode = document.querySelector('input[name=mode]:checked').value;
  if (!text.trim()) {
    return;
  }
  try {
    const r = await engine.searchText(text, { mode, k: 10 });
    $('error').hidden = true;
    hook.last = { text, mode, vector: Array.from(r.vector), ids: r.results.map((h) => h.id),
      scores: r.results.map((h) => h.score), embedMs: r.embedMs, scanMs: r.scanMs, totalMs: r.totalMs };
    render(r, text, mode);
    if (hook.firstResultMs === null) {
      hook.firstResultMs = performance.now() - t0;
    }
  } catch (e) {
    // a query problem (e.g. no model in the bundle) is shown but keeps the page usable
    $('error').textContent = e.message;
    $('error').hidden = false;
    hook.error = e.message;
  }
}

hook.ready = (async () => {
  try {
    engine = await BitsieveSearch.open(bundleUrl);
  } catch (e) {
    fail(e.message);
    throw e;
  }
  const m = engine.manifest;
  hook.count = m.documents;
  hook.loadMs = performance.now() - t0;
  const bytes = m.files.filter((f) => f.name !== m.model.onnx && f.name !== m.model.tokenizer).reduce((s, f) => s + f.bytes, 0);
  const codes = m.files.find((f) => f.name === m.codes.file).bytes;
  const status = `${m.documents.toLocaleString('en')} documents, ${m.bits}-bit ${m.encoder.kind} codes (${mb(codes)}; `
    + `bundle ${mb(bytes)} without the model), loaded in ${hook.loadMs.toFixed(0)} ms.`;
  $('status').textContent = status + (engine.hasModel ? ` Loading model ${m.model.name}…` : ' No model in this bundle: text queries need one (export with --with-model).');
  hook.state = 'index-ready';
  $('search').addEventListener('submit', run);
  if (engine.hasModel) {
    try {
      await engine.modelReady;
    } catch (e) {
      fail(e.message);
      throw e;
    }
    hook.modelMs = performance.now() - t0;
    $('status').textContent = status + ` Model ${m.model.name} ready after ${hook.modelMs.toFixed(0)} ms.`;
    $('q').disabled = false;
    $('go').disabled = false;
    $('q').focus();
  }
  hook.state = 'ready';
  return true;
})();
hook.ready.catch(() => {});

/** For tests and benchmarks: search a given vector, returning ids, scores and times. */
hook.searchVector = async (vector, mode, k = 10) => {
  const r = await engine.searchVector(vector, { mode, k });
  if (hook.firstResultMs === null) {
    hook.firstResultMs = performance.now() - t0;
  }
  return { ids: r.results.map((h) => h.id), scores: r.results.map((h) => h.score), scanMs: r.scanMs, totalMs: r.totalMs };
};
hook.embed = async (text) => Array.from(await engine.embed(text));
