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
for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
  cpSync(join(ortDist, f), join(out, 'vendor', f));
}
cpSync(join(tokDist, 'tokenizers.min.mjs'), join(out, 'vendor', 'tokenizers.min.mjs'));
console.log(`built ${out}`);
