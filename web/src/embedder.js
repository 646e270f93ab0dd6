// Query embedding in the page, the way bitsieve-embed's OnnxTextEmbedder does it: the model's tokenizer.json
// (tokenizers.js, no network), special tokens added, truncation to the model's token limit (256 for
// all-MiniLM-L6-v2, which sentence-transformers uses although its tokenizer.json says 128), the ONNX model in
// onnxruntime-web's WebAssembly backend, pooling (mean over the attention mask, summed in float64, or the CLS
// vector), then L2 normalisation in float64 rounded to float32 per value.
import * as ort from 'onnxruntime-web';
import { Tokenizer } from '@huggingface/tokenizers';

const f = Math.fround;

export class QueryEmbedder {
  /**
   * @param files {spec, onnx: Uint8Array, tokenizerJson} from loadModelFiles
   * @param wasmPaths where onnxruntime-web finds its loader and .wasm on the page's own origin: a URL prefix, or
   *   {mjs, wasm} URLs
   */
  static async create(files, wasmPaths) {
    ort.env.wasm.wasmPaths = wasmPaths;
    // threads need a cross-origin isolated page (COOP/COEP headers), which a plain static server does not give
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    const session = await ort.InferenceSession.create(files.onnx, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    return new QueryEmbedder(files.spec, session, new Tokenizer(files.tokenizerJson, {}));
  }

  constructor(spec, session, tokenizer) {
    this.spec = spec;
    this.session = session;
    this.tokenizer = tokenizer;
    for (const need of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(need)) {
        throw new Error(`the ONNX model has no '${need}' input (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    this.feedTypes = session.inputNames.includes('token_type_ids');
    const names = session.outputNames;
    this.output = names.includes('last_hidden_state') ? 'last_hidden_state'
      : names.includes('token_embeddings') ? 'token_embeddings' : names[0];
  }

  /** Token ids and type ids as the Java tokenizer gives them: special tokens added, cut at maxTokens. */
  tokens(text) {
    const max = this.spec.maxTokens;
    const full = this.tokenizer.encode(text, { add_special_tokens: true, return_token_type_ids: true });
    if (full.ids.length <= max) {
      return { ids: full.ids, types: full.token_type_ids };
    }
    // HF truncation (longest first, from the right) of a single sequence: keep the template's special tokens
    // around the first (max - specials) content tokens
    const plain = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const specials = full.ids.length - plain.length;
    let lead = 0;
    while (lead <= specials && full.ids[lead] !== plain[0]) {
      lead++;
    }
    const keep = max - specials;
    const ids = [...full.ids.slice(0, lead), ...plain.slice(0, keep), ...full.ids.slice(lead + plain.length)];
    const types = [...full.token_type_ids.slice(0, lead + keep), ...full.token_type_ids.slice(lead + plain.length)];
    return { ids, types, truncated: true };
  }

  /** One unit-length Float32Array for a query text (the model's query prefix is prepended). */
  async embed(text) {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new Error('type a query first');
    }
    const input = (this.spec.queryPrefix || '') + text;
    const { ids, types } = this.tokens(input);
    const n = ids.length;
    const big = (a) => BigInt64Array.from(a, (x) => BigInt(x));
    const feeds = {
      input_ids: new ort.Tensor('int64', big(ids), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    };
    if (this.feedTypes) {
      feeds.token_type_ids = new ort.Tensor('int64', big(types), [1, n]);
    }
    const out = await this.session.run(feeds, [this.output]);
    const hidden = out[this.output];
    const dim = hidden.dims[2];
    const h = hidden.data;
    const v = new Float32Array(dim);
    if (this.spec.pooling === 'cls') {
      v.set(h.subarray(0, dim));
    } else {
      const sum = new Float64Array(dim);
      for (let t = 0; t < n; t++) {
        for (let j = 0; j < dim; j++) {
          sum[j] += h[t * dim + j];
        }
      }
      for (let j = 0; j < dim; j++) {
        v[j] = sum[j] / n;
      }
    }
    let s = 0;
    for (let j = 0; j < dim; j++) {
      s += v[j] * v[j];
    }
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dim; j++) {
        v[j] = f(v[j] * inv);
      }
    }
    hidden.dispose?.();
    return v;
  }
}
