// bitsieve in the browser: open a bundle exported by `bitsieve export-web`, search it in a Web Worker, embed
// query text in the page. The embedder (onnxruntime-web + tokenizers.js) is imported only when the bundle
// carries a model, so a codes-only page loads no WebAssembly.
import { BundleError, loadIndex, loadModelFiles, readManifest } from './bundle.js';
import { compileFilter, filterMask } from './filter.js';
import { parseFilterText } from './filter-text.js';

export { modelBytes } from './bundle.js';

export { BundleError } from './bundle.js';

export { compileFilter, FilterError } from './filter.js';

export { parseFilterText } from './filter-text.js';

export class BitsieveSearch {
  /**
   * Opens a bundle: verifies the manifest and every index file, starts the search worker. The model (when the
   * bundle has one) loads in the background; `modelReady` resolves when text queries can be embedded.
   * @param bundleUrl folder URL of the bundle (holding manifest.json)
   * @param options {wasmPaths: onnxruntime-web's env.wasm.wasmPaths (default: the .js loader and .wasm in ../vendor/
   *   next to this library, as scripts/build.mjs lays them out), workerUrl, loadModel: default true,
   *   onModelProgress: (loadedBytes, totalBytes) as the model downloads}
   */
  static async open(bundleUrl, options = {}) {
    const manifest = await readManifest(bundleUrl);
    const modelFiles = options.loadModel === false ? Promise.resolve(null)
      : loadModelFiles(bundleUrl, manifest, options.onModelProgress);
    modelFiles.catch(() => {}); // reported through modelReady
    const index = await loadIndex(bundleUrl, manifest);
    const s = new BitsieveSearch(index, options);
    await s.startWorker();
    s.modelReady = modelFiles.then(async (files) => {
      if (!files) {
        return null;
      }
      const { QueryEmbedder } = await import('./embedder.js');
      const vendor = new URL('../vendor/', import.meta.url);
      const wasmPaths = options.wasmPaths || {
        mjs: new URL('ort-wasm-simd-threaded.js', vendor).href,
        wasm: new URL('ort-wasm-simd-threaded.wasm', vendor).href,
      };
      s.embedder = await QueryEmbedder.create(files, wasmPaths);
      return s.embedder;
    });
    s.modelReady.catch(() => {});
    return s;
  }

  constructor(index, options) {
    this.manifest = index.manifest;
    this.docs = index.docs;
    this.index = index;
    this.options = options;
    this.embedder = null;
    this.pending = new Map();
    this.seq = 0;
    this.masks = new Map(); // filter (as JSON text) -> row mask, so a repeated filter is evaluated once
  }

  get count() { return this.manifest.documents; }

  get hasModel() { return !!(this.manifest.model && this.manifest.model.onnx); }

  startWorker() {
    const url = this.options.workerUrl || new URL('./worker.js', import.meta.url);
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = (e) => {
      const p = this.pending.get(e.data.id);
      if (p) {
        this.pending.delete(e.data.id);
        e.data.ok ? p.resolve(e.data.result) : p.reject(new Error(e.data.error));
      }
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) {
        p.reject(new Error(`search worker failed: ${e.message || 'could not start'}`));
      }
      this.pending.clear();
    };
    const m = this.manifest;
    const { codes, norms, encoderArrays } = this.index;
    // the worker gets its own copies; transferring them leaves the page nothing to keep
    this.index = null;
    return this.call({
      type: 'init',
      encoder: m.encoder,
      encoderArrays,
      codes,
      norms,
      count: m.documents,
      stride: m.codes.wordsPerCode * 8,
    }, [codes]);
  }

  call(msg, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Embeds a query text in the page (needs a bundle exported with --with-model). */
  async embed(text) {
    if (!this.hasModel) {
      throw new BundleError('this bundle has no model, so text queries cannot be embedded here; export it with --with-model');
    }
    const e = await this.modelReady;
    return e.embed(text);
  }

  /**
   * Exact top-k for a query vector. Results: [{row, id, score, text, metadata}], best first; ties go to the
   * earlier document in the collection's storage order, as in the Java search.
   * @param where optional metadata filter: the HTTP API's JSON form ({"field": "year", "op": "gte", "value": 2020},
   *   in / notIn / contains / and / or / not) or the CLI's text form ("year >= 2020 && genre == 'drama'"); the top k
   *   is over matching documents. A malformed filter rejects with a FilterError naming the spot.
   */
  async searchVector(vector, { mode = 'asymmetric', k = 10, where = null } = {}) {
    const t0 = performance.now();
    const filter = where === null || where === undefined ? null : this.filterFor(where);
    const r = await this.call({ type: 'search', vector: Array.from(vector), mode, k, filter });
    const results = r.rows.map((row, i) => ({
      row,
      id: this.docs.ids[row],
      score: r.scores[i],
      text: this.docs.texts[row],
      metadata: this.docs.metadata ? this.docs.metadata[row] : null,
    }));
    return { results, scanMs: r.ms, totalMs: performance.now() - t0 };
  }

  /** The row mask of a filter (JSON form or text), evaluated over the bundle's metadata once and cached. */
  filterFor(where) {
    const json = typeof where === 'string' ? parseFilterText(where) : where;
    const key = JSON.stringify(json);
    let f = this.masks.get(key);
    if (!f) {
      f = filterMask(compileFilter(json), this.docs.metadata || null, this.count);
      if (this.masks.size >= 32) this.masks.clear();
      this.masks.set(key, f);
    }
    return f;
  }

  /** Embeds the text, then searches; timings for both. */
  async searchText(text, options = {}) {
    const t0 = performance.now();
    const vector = await this.embed(text);
    const embedMs = performance.now() - t0;
    const r = await this.searchVector(vector, options);
    return { ...r, vector, embedMs };
  }

  close() {
    this.worker?.terminate();
  }
}
