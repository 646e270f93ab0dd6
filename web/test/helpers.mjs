// Shared test plumbing: where the CLI, the data and the browser are; .npy read/write; running the Java CLI.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(WEB, '..');
export const SHARED = resolve(process.env.BITSIEVE_SHARED || join(ROOT, '..', 'shared'));
export const JAVA = process.env.BITSIEVE_JAVA || 'java';
export const CLASSPATH = process.env.BITSIEVE_CLASSPATH
  || `${join(ROOT, 'bitsieve-cli/target/bitsieve-cli.jar')}:${join(ROOT, 'bitsieve-cli/target/lib/*')}`;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = join(WEB, 'test-artifacts');

// The shared data folder is required when someone pointed at it (BITSIEVE_SHARED, or Maven passing
// BITSIEVE_SHARED_REQUIRED=true for BITSIEVE_SHARED / -Dbitsieve.shared); else its absence skips the tests that need it.
const SHARED_REQUIRED = process.env.BITSIEVE_SHARED_REQUIRED
  ? process.env.BITSIEVE_SHARED_REQUIRED === 'true' : Boolean(process.env.BITSIEVE_SHARED);
const SHARED_PRESENT = existsSync(join(SHARED, 'data')) && existsSync(join(SHARED, 'embeddings'));

/**
 * The reason to skip the tests that need the real datasets (pass it as `{ skip }` to describe/it), or undefined
 * when they should run: the folder is there, or it was asked for (then requireSetup fails loudly). Prints it once.
 */
export const SHARED_SKIP = SHARED_PRESENT || SHARED_REQUIRED ? undefined
  : `no shared data folder at ${SHARED}: tests that need the real datasets are skipped; `
    + 'get the data folder and set BITSIEVE_SHARED=/path/to/shared to run them';
if (SHARED_SKIP) console.log(`# ${SHARED_SKIP}`);

/** Fails loudly (never skips) when something the tests need is missing, saying how to get it. */
export function requireSetup() {
  const problems = [];
  if (!SHARED_PRESENT) problems.push(`no shared data at ${SHARED} (set BITSIEVE_SHARED)`);
  if (!existsSync(CHROMIUM)) problems.push(`no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);
  if (!existsSync(join(ROOT, 'bitsieve-cli/target/bitsieve-cli.jar')) && !process.env.BITSIEVE_CLASSPATH) {
    problems.push('no CLI jar: build it first (mvn -DskipTests package -pl bitsieve-cli -am), or set BITSIEVE_CLASSPATH');
  }
  if (problems.length) throw new Error(problems.join('; '));
}

/** Runs `bitsieve ARGS` in a JVM; resolves to stdout, rejects with stderr on a non-zero exit. */
export function bitsieve(...args) {
  const jvm = ['-Xmx2g', '-Dai.djl.offline=true', '-cp', CLASSPATH, 'org.bitsieve.cli.Main', ...args];
  return new Promise((ok, fail) => {
    execFile(JAVA, jvm, { env: { ...process.env, DJL_OFFLINE: 'true' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`bitsieve ${args.join(' ')} failed (${err.code}): ${stderr || err.message}`));
      else ok(stdout);
    });
  });
}

/** Runs async tasks at most `n` at a time (the machine has 2 cores); results in input order. */
export async function limited(n, tasks) {
  const out = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  }));
  return out;
}

function half(h) {
  const s = h >> 15 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Reads a 2-d little-endian float16/float32 .npy into rows of Float32Array (float16 widens exactly). */
export function readNpy(path) {
  const b = readFileSync(path);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = b.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const [rows, dim] = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header).slice(1).map(Number);
  const data = hstart + hlen;
  const out = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) {
      v[j] = descr === '<f2' ? half(b.readUInt16LE(data + 2 * (r * dim + j))) : b.readFloatLE(data + 4 * (r * dim + j));
    }
    out.push(v);
  }
  if (descr !== '<f2' && descr !== '<f4') throw new Error(`${path}: unsupported dtype ${descr}`);
  return out;
}

/** Writes rows as a float32 .npy (format 1.0). */
export function writeNpy(path, rows) {
  const dim = rows[0].length;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${dim}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * rows.length * dim);
  rows.forEach((v, r) => v.forEach((x, j) => body.writeFloatLE(x, 4 * (r * dim + j))));
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

/** Reads JSON Lines (optionally gzipped). */
export function readJsonl(path) {
  let b = readFileSync(path);
  if (path.endsWith('.gz')) b = gunzipSync(b);
  return b.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

export function cosine(a, b) {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}
