// The demo page: opens the bundle named by ?bundle= (default ./bundle/), searches what is typed.
// window.bitsieveDemo is a small hook for tests and benchmarks (state, the last query's vector and results, timings).
import { BitsieveSearch } from './lib/index.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const bundleUrl = new URL(params.get('bundle') || './bundle/', location.href).href;
// load and first-result times are what a visitor waits: from navigation start
const t0 = 0; // performance.now() counts from navigation start
const ECHO_CHARS = 80; // a pasted page of text is echoed clipped, not whole

const hook = {
  state: 'loading', error: null, last: null, seq: 0, firstResultMs: null, loadMs: null, modelMs: null,
  modelStartMs: null, modelFirstProgressMs: null, modelFirstProgressBytes: null, modelBytes: null, queued: null,
};
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
  $('model-load').hidden = true;
  $('status').textContent = 'This bundle cannot be searched.';
}

function mb(bytes) { return `${(bytes / 1e6).toFixed(bytes >= 1e7 ? 0 : 1)} MB`; }

function clip(text, n = ECHO_CHARS) {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= n ? t : `${t.slice(0, n - 1)}…`;
}

/** Metadata as "key: value" pairs; nested values as compact JSON. */
function fields(metadata) {
  const span = document.createElement('span');
  span.className = 'fields';
  for (const [k, v] of Object.entries(metadata)) {
    if (span.childNodes.length) span.append(' · ');
    const b = document.createElement('b');
    b.textContent = `${k}:`;
    span.append(b, ` ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return span;
}

function render(r, text, mode) {
  const list = $('results');
  list.replaceChildren(...r.results.map((h) => {
    const li = document.createElement('li');
    li.dataset.id = h.id;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${h.score.toFixed(mode === 'hamming' ? 0 : 4)}  ${h.id}`;
    const t = document.createElement('span');
    t.className = 'text';
    t.textContent = h.text;
    li.append(meta, t);
    if (h.metadata && Object.keys(h.metadata).length) li.append(fields(h.metadata));
    return li;
  }));
  const embed = r.embedMs !== undefined ? `embedding ${r.embedMs.toFixed(1)} ms, ` : '';
  $('timing').textContent = `${r.results.length} results for “${clip(text)}” (${mode}) from ${hook.count} documents: `
    + `${embed}search ${r.scanMs.toFixed(1)} ms (${r.totalMs.toFixed(1)} ms with the worker round trip)`;
  list.dataset.seq = String(++hook.seq);
}

function clearResults() {
  $('results').replaceChildren();
  $('timing').textContent = '';
  $('error').hidden = true;
  hook.last = null;
  $('results').dataset.seq = String(++hook.seq);
}

let engine = null;
let engineReady; // resolves when the index is loaded (the model may still be downloading)
let latest = 0; // a newer query (or an emptied box) makes an older one's results stale

async function run(event) {
  event?.preventDefault();
  const text = $('q').value;
  const mode = document.querySelector('input[name=mode]:checked').value;
  const mine = ++latest;
  if (!text.trim()) {
    clearResults(); // an empty box means no query: no stale results from the last one
    return;
  }
  try {
    await engineReady;
    if (engine.hasModel && !engine.embedder) {
      // typed while the model downloads: answered as soon as it is ready
      hook.queued = text;
      $('timing').textContent = `Your search for “${clip(text)}” runs as soon as the model has loaded…`;
      await engine.modelReady;
      if (mine !== latest) return;
      hook.queued = null;
    }
    const r = await engine.searchText(text, { mode, k: 10 });
    if (mine !== latest) return;
    $('error').hidden = true;
    hook.last = { text, mode, vector: Array.from(r.vector), ids: r.results.map((h) => h.id),
      scores: r.results.map((h) => h.score), embedMs: r.embedMs, scanMs: r.scanMs, totalMs: r.totalMs };
    render(r, text, mode);
    if (hook.firstResultMs === null) {
      hook.firstResultMs = performance.now() - t0;
    }
  } catch (e) {
    if (mine !== latest) return;
    // a query problem (e.g. no model in the bundle) is shown but keeps the page usable
    $('error').textContent = e.message;
    $('error').hidden = false;
    hook.error = e.message;
  }
}

function onModelProgress(loaded, total) {
  const now = performance.now() - t0;
  if (hook.modelStartMs === null) hook.modelStartMs = now;
  if (loaded > 0 && hook.modelFirstProgressMs === null) {
    hook.modelFirstProgressMs = now;
    hook.modelFirstProgressBytes = loaded;
  }
  hook.modelBytes = total;
  $('model-load').hidden = false;
  $('model-progress').max = total;
  $('model-progress').value = loaded;
  $('model-progress-text').textContent = `model ${mb(loaded)} of ${mb(total)} (${Math.floor((100 * loaded) / total)}%)`;
}

$('search').addEventListener('submit', run);
// a new scoring re-runs the query on the screen
for (const r of document.querySelectorAll('input[name=mode]')) r.addEventListener('change', () => run());
$('q').addEventListener('input', () => { if (!$('q').value.trim()) run(); });

hook.ready = (async () => {
  engineReady = BitsieveSearch.open(bundleUrl, { onModelProgress });
  engineReady.catch(() => {});
  try {
    engine = await engineReady;
  } catch (e) {
    fail(e.message);
    throw e;
  }
  const m = engine.manifest;
  hook.count = m.documents;
  hook.loadMs = performance.now() - t0;
  const bytes = m.files.filter((f) => f.name !== m.model.onnx && f.name !== m.model.tokenizer).reduce((s, f) => s + f.bytes, 0);
  const codes = m.files.find((f) => f.name === m.codes.file).bytes;
  const status = `${m.documents.toLocaleString('en')} documents, ${m.bits}-bit ${m.encoder.kind} codes (${mb(codes)}); `
    + `index ${mb(bytes)}, loaded in ${hook.loadMs.toFixed(0)} ms.`;
  $('status').textContent = status + (engine.hasModel
    ? ` Downloading the query model ${m.model.name} (${mb(hook.modelBytes ?? 0)}, once; your browser caches it). You can type meanwhile.`
    : ' No model in this bundle: text queries need one (export with --with-model).');
  hook.state = 'index-ready';
  if (engine.hasModel) {
    try {
      await engine.modelReady;
    } catch (e) {
      fail(e.message);
      throw e;
    }
    hook.modelMs = performance.now() - t0;
    $('model-load').hidden = true;
    $('status').textContent = status + ` Query model ${m.model.name} (${mb(hook.modelBytes)}) ready after ${(hook.modelMs / 1000).toFixed(1)} s.`;
    if (document.activeElement !== $('q')) $('q').focus();
  }
  hook.state = 'ready';
  return true;
})();
hook.ready.catch(() => {});

/** For tests and benchmarks: search a given vector, returning ids, scores and times. */
hook.searchVector = async (vector, mode, k = 10, where = null) => {
  const r = await engine.searchVector(vector, { mode, k, where });
  if (hook.firstResultMs === null) {
    hook.firstResultMs = performance.now() - t0;
  }
  return { ids: r.results.map((h) => h.id), scores: r.results.map((h) => h.score), scanMs: r.scanMs, totalMs: r.totalMs };
};
hook.embed = async (text) => Array.from(await engine.embed(text));
