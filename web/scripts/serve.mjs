// A tiny static server (node's http module only) for the demo and the tests: serves a site folder at / and
// bundle folders under /bundles/<name>/. Loopback only.
//   node scripts/serve.mjs [--port 8080] [--site dist] [--bundle name=/path/to/bundle ...]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
};

function inside(rootDir, rel) {
  const p = normalize(join(rootDir, rel));
  return p === rootDir || p.startsWith(rootDir + sep) ? p : null;
}

/** Starts a server; mounts maps a URL prefix ('/', '/bundles/a/') to a folder. Resolves to {server, url}. */
export function serve({ port = 0, host = '127.0.0.1', mounts }) {
  const entries = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const m = entries.find(([prefix]) => path.startsWith(prefix));
    let file = m && inside(m[1], path.slice(m[0].length));
    try {
      if (file && statSync(file).isDirectory()) {
        file = join(file, 'index.html');
      }
      const st = file && statSync(file);
      if (!st || !st.isFile()) {
        throw new Error('not found');
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'content-length': st.size });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  return new Promise((ok) => server.listen(port, host, () => ok({ server, url: `http://${host}:${server.address().port}/` })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mounts = {};
  let port = 8080;
  let site = resolve(fileURLToPath(new URL('../dist', import.meta.url)));
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--site') site = args[++i];
    else if (args[i] === '--bundle') {
      const [name, dir] = args[++i].split('=');
      mounts[`/bundles/${name}/`] = dir;
    } else {
      console.error(`unknown argument ${args[i]}; usage: serve.mjs [--port N] [--site DIR] [--bundle NAME=DIR ...]`);
      process.exit(2);
    }
  }
  mounts['/'] = site;
  const { url } = await serve({ port, mounts });
  console.log(`serving ${site} at ${url}` + Object.keys(mounts).filter((p) => p !== '/').map((p) => `\n  bundle: ${url.slice(0, -1)}${p}  ->  ${url}?bundle=${p}`).join(''));
}
