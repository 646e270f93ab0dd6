// The search worker: holds the codes, encodes the query (Hamming) or builds its lookup table (asymmetric) and
// scans, off the page's main thread. Messages: {type: 'init', ...} once, then {type: 'search', id, vector, mode, k, filter?}
// (filter: a mask of the rows passing a `where`, computed in the page, which holds the metadata).
import { codeNorms, makeEncoder } from './encoder.js';
import { asymmetricTopK, hammingTopK } from './search.js';

let state = null;

function init(msg) {
  const enc = makeEncoder(msg.encoder, msg.encoderArrays);
  const u8 = new Uint8Array(msg.codes);
  state = {
    enc,
    count: msg.count,
    stride: msg.stride,
    u32: new Uint32Array(msg.codes),
    u8,
    norms: codeNorms(enc, u8, msg.stride, msg.count, msg.norms), // pcaq/pq: rebuilt here, off the page's thread
  };
}

function search(msg) {
  const { enc, count, stride, u32, u8, norms } = state;
  const t0 = performance.now();
  const vector = Float32Array.from(msg.vector);
  let top;
  if (msg.mode === 'hamming') {
    const code = enc.encode(vector);
    top = hammingTopK(u32, stride >>> 2, count, code, msg.k, msg.filter || null);
  } else if (msg.mode === 'asymmetric') {
    const table = enc.table(vector);
    top = asymmetricTopK(u8, stride, enc.bytes, count, table, norms, msg.k, msg.filter || null);
  } else {
    throw new Error(`unknown search mode '${msg.mode}' (use hamming or asymmetric)`);
  }
  return { ...top, ms: performance.now() - t0 };
}

self.onmessage = (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'init') {
      init(msg);
      self.postMessage({ id: msg.id, ok: true });
    } else if (msg.type === 'search') {
      self.postMessage({ id: msg.id, ok: true, result: search(msg) });
    }
  } catch (err) {
    self.postMessage({ id: msg.id, ok: false, error: err.message });
  }
};
