// Loads a bundle written by `bitsieve export-web` (format: docs/web.md) and verifies it before anything uses it:
// the manifest's format and version, and every file's byte size and SHA-256. Any failure is a BundleError whose
// message says what is wrong and what to do; the caller shows it instead of results.

import { EncoderError, makeEncoder } from './encoder.js';

export const FORMAT = 'bitsieve-web-bundle';
export const VERSION = 1;

export class BundleError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BundleError';
  }
}

function hex(buf) {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) {
    s += b[i].toString(16).padStart(2, '0');
  }
  return s;
}

async function sha256(buf) {
  if (!globalThis.crypto || !globalThis.crypto.subtle) {
    throw new BundleError('this page cannot verify the bundle: the browser offers SHA-256 (crypto.subtle) only on '
      + 'https:// or http://localhost pages; serve the page over https or from localhost');
  }
  return hex(await crypto.subtle.digest('SHA-256', buf));
}

function base(url) {
  const u = new URL(url, globalThis.location ? globalThis.location.href : undefined);
  if (!u.pathname.endsWith('/')) {
    u.pathname += '/';
  }
  return u;
}

/** Reads the manifest and checks what this page can read. */
export async function readManifest(bundleUrl) {
  const url = new URL('manifest.json', base(bundleUrl));
  let res;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    throw new BundleError(`cannot fetch ${url}: ${e.message}`);
  }
  if (!res.ok) {
    throw new BundleError(`no bundle at ${base(bundleUrl)}: manifest.json answered HTTP ${res.status}; `
      + 'export one with: bitsieve export-web <collection> <folder>');
  }
  let m;
  try {
    m = JSON.parse(await res.text());
  } catch (e) {
    throw new BundleError(`manifest.json is not valid JSON (${e.message}); export the bundle again`);
  }
  if (!m || m.format !== FORMAT) {
    throw new BundleError(`manifest.json is not a bitsieve web bundle (format ${JSON.stringify(m && m.format)}, expected "${FORMAT}")`);
  }
  if (m.version !== VERSION) {
    throw new BundleError(`unsupported bundle version ${JSON.stringify(m.version)}: this page reads version ${VERSION}; `
      + 'export the bundle with a bitsieve release that matches this page (or update the page)');
  }
  for (const key of ['documents', 'bits', 'dim', 'codes', 'encoder', 'docs', 'model', 'files']) {
    if (m[key] === undefined) {
      throw new BundleError(`manifest.json lacks "${key}"; the bundle is incomplete, export it again`);
    }
  }
  checkShape(m);
  return m;
}

// The manifest is data from the network: every field the reader uses is checked for its type and range here, so a
// damaged or hostile manifest gives a BundleError naming the field, never a TypeError or RangeError deeper down.
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const isName = (v) => typeof v === 'string' && v.length > 0 && v.length < 256 && !v.includes('/') && !v.includes('\\');

function bad(field, what) {
  throw new BundleError(`manifest.json: "${field}" ${what}; the bundle is damaged, export it again`);
}

function checkShape(m) {
  if (!isCount(m.documents)) bad('documents', 'is not a count');
  for (const k of ['bits', 'dim']) {
    if (!isCount(m[k]) || m[k] === 0 || m[k] > 65536) bad(k, 'is not a positive size');
  }
  if (!Array.isArray(m.files)) bad('files', 'is not a list');
  m.files.forEach((f, i) => {
    if (!isObject(f) || !isName(f.name)) bad(`files[${i}].name`, 'is not a file name');
    if (!isCount(f.bytes)) bad(`files[${i}].bytes`, 'is not a byte count');
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) bad(`files[${i}].sha256`, 'is not a SHA-256');
  });
  if (!isObject(m.codes) || !isName(m.codes.file)) bad('codes.file', 'is not a file name');
  if (!isCount(m.codes.wordsPerCode) || m.codes.wordsPerCode === 0 || m.codes.wordsPerCode * 64 < m.bits) {
    bad('codes.wordsPerCode', `does not fit ${m.bits}-bit codes`);
  }
  if (m.norms !== undefined && m.norms !== null && (!isObject(m.norms) || !isName(m.norms.file))) bad('norms.file', 'is not a file name');
  const enc = m.encoder;
  if (!isObject(enc) || !isName(enc.file)) bad('encoder.file', 'is not a file name');
  if (typeof enc.kind !== 'string') bad('encoder.kind', 'is not a name');
  if (enc.bits !== m.bits || enc.dim !== m.dim) bad('encoder', `does not match the codes (${m.bits} bits, ${m.dim} dimensions)`);
  if (enc.normalized !== undefined && typeof enc.normalized !== 'boolean') bad('encoder.normalized', 'is not true or false');
  if (!isObject(enc.arrays)) bad('encoder.arrays', 'is not an object');
  for (const [key, a] of Object.entries(enc.arrays)) {
    if (!isObject(a) || !isCount(a.offset) || !isCount(a.length)) bad(`encoder.arrays.${key}`, 'is not an offset and length');
  }
  if (!isObject(m.docs) || !isName(m.docs.file)) bad('docs.file', 'is not a file name');
  if (m.model !== null && !isObject(m.model)) bad('model', 'is neither null nor an object');
  if (isObject(m.model)) {
    for (const k of ['onnx', 'tokenizer']) {
      if (m.model[k] !== undefined && m.model[k] !== null && !isName(m.model[k])) bad(`model.${k}`, 'is not a file name');
    }
  }
}

/**
 * Reads a response body chunk by chunk, reporting bytes as they arrive (a 90 MB model takes seconds; the page shows
 * them instead of a frozen status), into one ArrayBuffer of the expected size.
 */
async function readWithProgress(res, expected, onBytes) {
  const reader = res.body.getReader();
  const buf = new Uint8Array(expected);
  let n = 0;
  let over = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.byteLength > expected) {
      over += n + value.byteLength - expected; // too long: counted for the size check below, not stored
      buf.set(value.subarray(0, Math.max(0, expected - n)), n);
      n = expected;
    } else {
      buf.set(value, n);
      n += value.byteLength;
    }
    onBytes(value.byteLength);
  }
  return n + over === expected ? buf.buffer : { byteLength: n + over };
}

/**
 * Fetches one file named by the manifest and checks its size and checksum; returns an ArrayBuffer.
 * @param onBytes optional callback with each chunk's byte count as it arrives
 */
export async function fetchVerified(bundleUrl, manifest, name, onBytes) {
  const entry = manifest.files.find((e) => e.name === name);
  if (!entry) {
    throw new BundleError(`manifest.json does not list ${name}; the bundle is incomplete, export it again`);
  }
  const url = new URL(name, base(bundleUrl));
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new BundleError(`cannot fetch ${name}: ${e.message}`);
  }
  if (!res.ok) {
    throw new BundleError(`${name} is missing from the bundle (HTTP ${res.status}); copy the whole bundle folder`);
  }
  const buf = onBytes && res.body ? await readWithProgress(res, entry.bytes, onBytes) : await res.arrayBuffer();
  if (buf.byteLength !== entry.bytes) {
    throw new BundleError(`${name} is ${buf.byteLength < entry.bytes ? 'truncated' : 'too long'}: ${buf.byteLength} bytes, `
      + `the manifest says ${entry.bytes}; copy the bundle again (or export it again)`);
  }
  const sum = await sha256(buf);
  if (sum !== entry.sha256) {
    throw new BundleError(`${name} is corrupt: its SHA-256 is ${sum.slice(0, 16)}..., the manifest says `
      + `${String(entry.sha256).slice(0, 16)}...; copy the bundle again (or export it again)`);
  }
  return buf;
}

async function gunzipJson(buf, name) {
  try {
    const stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(stream).text());
  } catch (e) {
    throw new BundleError(`${name} does not hold gzipped JSON (${e.message}); export the bundle again`);
  }
}

function floatArrays(buf, spec) {
  const out = {};
  for (const [key, a] of Object.entries(spec.arrays)) {
    if (a.offset % 4 !== 0 || a.offset + 4 * a.length > buf.byteLength) {
      throw new BundleError(`encoder array ${key} lies outside ${spec.file}`);
    }
    out[key] = new Float32Array(buf, a.offset, a.length);
  }
  return out;
}

/**
 * Loads and verifies the search part of a bundle: codes, inverse norms, encoder arrays and documents.
 * @returns {{manifest, codes: ArrayBuffer, norms: Float32Array|null, encoderArrays, docs: {ids, texts, metadata}}}
 */
export async function loadIndex(bundleUrl, manifest) {
  const m = manifest || await readManifest(bundleUrl);
  const enc = m.encoder;
  const [codes, norms, encoder, docsBuf] = await Promise.all([
    fetchVerified(bundleUrl, m, m.codes.file),
    m.norms ? fetchVerified(bundleUrl, m, m.norms.file) : Promise.resolve(null),
    fetchVerified(bundleUrl, m, enc.file),
    fetchVerified(bundleUrl, m, m.docs.file),
  ]);
  const stride = m.codes.wordsPerCode * 8;
  if (codes.byteLength !== m.documents * stride) {
    throw new BundleError(`codes.bin holds ${codes.byteLength} bytes, expected ${m.documents} codes x ${stride}`);
  }
  // the encoder is built here once to check its arrays (the worker builds its own): a bad bundle fails at load
  const encoderArrays = floatArrays(encoder, enc);
  let encoderObj;
  try {
    encoderObj = makeEncoder(enc, encoderArrays);
  } catch (e) {
    if (!(e instanceof EncoderError)) throw e;
    throw new BundleError(`${enc.file}: ${e.message}; the bundle is damaged or from another bitsieve version, export it again`);
  }
  // pcaq and pq norms are per-byte table sums: rebuilt from the codes by the worker (docs/web.md), not shipped
  const byteTable = typeof encoderObj.inverseNorms === 'function';
  if (byteTable && norms) {
    throw new BundleError(`the manifest names ${m.norms.file}, but ${enc.scoring} bundles carry no norms (the page `
      + 'computes them); export the bundle again');
  }
  if (!byteTable && enc.normalized && (!norms || norms.byteLength !== 4 * m.documents)) {
    throw new BundleError('the encoder needs one inverse norm per code and norms.bin does not hold them');
  }
  if (m.docs.encoding !== 'gzip') {
    throw new BundleError(`documents encoding ${JSON.stringify(m.docs.encoding)} is unknown (this page reads gzip)`);
  }
  const docs = await gunzipJson(docsBuf, m.docs.file);
  if (!docs || !Array.isArray(docs.ids) || docs.ids.length !== m.documents || !Array.isArray(docs.texts)
      || docs.texts.length !== m.documents) {
    throw new BundleError(`${m.docs.file} does not hold ${m.documents} documents`);
  }
  return {
    manifest: m,
    codes,
    norms: norms ? new Float32Array(norms) : null, // null for pcaq/pq: codeNorms (encoder.js) rebuilds them
    encoderArrays,
    docs,
  };
}

/** The model's download size in bytes (ONNX file and tokenizer), from the manifest; 0 without a model. */
export function modelBytes(manifest) {
  const mm = manifest.model;
  if (!mm || !mm.onnx || !mm.tokenizer) return 0;
  return manifest.files.filter((f) => f.name === mm.onnx || f.name === mm.tokenizer).reduce((s, f) => s + f.bytes, 0);
}

/**
 * Loads and verifies the model files, when the bundle has them; resolves to null otherwise.
 * @param onProgress optional (loadedBytes, totalBytes) callback, called as the bytes arrive
 */
export async function loadModelFiles(bundleUrl, manifest, onProgress) {
  const mm = manifest.model;
  if (!mm || !mm.onnx || !mm.tokenizer) {
    return null;
  }
  const total = modelBytes(manifest);
  let loaded = 0;
  const onBytes = onProgress ? (n) => { loaded += n; onProgress(loaded, total); } : undefined;
  onProgress?.(0, total);
  const [onnx, tok] = await Promise.all([
    fetchVerified(bundleUrl, manifest, mm.onnx, onBytes),
    fetchVerified(bundleUrl, manifest, mm.tokenizer, onBytes),
  ]);
  let tokenizerJson;
  try {
    tokenizerJson = JSON.parse(new TextDecoder().decode(tok));
  } catch (e) {
    throw new BundleError(`${mm.tokenizer} is not valid JSON (${e.message})`);
  }
  return { spec: mm, onnx: new Uint8Array(onnx), tokenizerJson };
}
