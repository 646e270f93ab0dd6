// Builds the static demo site into dist/: the page, the library (src/ as ES modules, no bundler needed) and the
// vendor files the page imports through its import map (onnxruntime-web's WebAssembly build and tokenizers.js).
// Usage: node scripts/build.mjs [outDir]
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] || join(root, 'dist'));
// the packages' export maps hide package.json, so find them under node_modules directly
const ortDist = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const tokDist = join(root, 'node_modules', '@huggingface', 'tokenizers', 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
cpSync(join(root, 'demo'), out, { recursive: true });
cpSync(join(root, 'src'), join(out, 'lib'), { recursive: true });
// ES modules are copied as .js: some static servers (older nginx mime.types) send .mjs as octet-stream, which
// browsers refuse for module scripts; the page tells onnxruntime-web the renamed loader's URL (wasmPaths)
const files = [
  [ortDist, 'ort.wasm.min.mjs', 'ort.wasm.min.js'],
  [ortDist, 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.js'],
  [ortDist, 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.wasm'],
  [tokDist, 'tokenizers.min.mjs', 'tokenizers.min.js'],
];
for (const [dir, from, to] of files) {
  cpSync(join(dir, from), join(out, 'vendor', to));
}
console.log(`built ${out}`);
