#!/usr/bin/env bash
# A full disk under `bitsieve serve`, for real (needs root, for a tmpfs): the data folder sits on a tmpfs of --size;
# a client writes batches of 100 documents (384-d vectors, f16 kept) until the disk is full, then the tmpfs is
# grown (space freed), writes go on without a restart, the server is killed with SIGKILL and restarted, and every
# acknowledged document is checked. Prints what each step answered; exit code 0 when nothing was lost.
#   sudo tools/disk-full-test.sh [--size 3m]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE=3m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (it mounts a tmpfs)" >&2; exit 2; }
cd "$ROOT"
./bitsieve --version >/dev/null # builds the CLI when sources changed
WORK="$(mktemp -d /tmp/bitsieve-full.XXXXXX)"
mkdir -p "$WORK/mnt"
mount -t tmpfs -o size="$SIZE" tmpfs "$WORK/mnt"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID"; wait "$PID" 2>/dev/null || true; fi
  umount "$WORK/mnt" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
eval "$(./bitsieve keys new --env --role write)"
echo "$KEY" > "$WORK/key"
start() {
  ./bitsieve serve --data "$WORK/mnt/data" --port 0 --key "$KEY_ENTRY" > "$WORK/serve.out" 2>> "$WORK/serve.err" &
  PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
  PORT=$(grep -o '127.0.0.1:[0-9]*' "$WORK/serve.out" | head -1 | cut -d: -f2)
}
start
echo "server on port $PORT, data on a $SIZE tmpfs"
# one small client for the three phases: fill (until the disk is full), more (after space was freed), check
cat > "$WORK/client.py" <<'PY'
import json, sys, urllib.request, urllib.error, random
port, work, phase = sys.argv[1], sys.argv[2], sys.argv[3]
key = open(work + '/key').read().strip()
def call(method, path, body=None):
    req = urllib.request.Request(f'http://127.0.0.1:{port}{path}', method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Authorization': 'Bearer ' + key})
    try:
        with urllib.request.urlopen(req, timeout=120) as r: return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read() or b'{}')
rnd = random.Random(7 if phase == 'fill' else 8)
def batch(b): return {'documents': [{'id': f'b{b}-{i}', 'text': 'x' * 100, 'vector': [rnd.gauss(0, 1) for _ in range(384)]} for i in range(100)]}
if phase == 'fill':
    print('create', *call('POST', '/v1/collections', {'name': 'c', 'floats': 'f16'}))
    s, b, fails = {'acked': []}, 0, 0
    while fails < 3 and b < 200:
        st, r = call('POST', '/v1/collections/c/documents', batch(b))
        if st == 200: s['acked'].append(b)
        else:
            fails += 1
            print(f'batch {b}: {st} {r["error"]["code"]}: {r["error"]["message"]}')
        b += 1
    s['next'] = b
    print('acknowledged batches', len(s['acked']), '| health', call('GET', '/health')[1])
elif phase == 'more':
    s = json.load(open(work + '/state.json'))
    for b in range(s['next'], s['next'] + 3):
        st, r = call('POST', '/v1/collections/c/documents', batch(b))
        print(f'batch {b}: {st}')
        if st == 200: s['acked'].append(b)
else:
    s = json.load(open(work + '/state.json'))
    info = call('GET', '/v1/collections/c')[1]
    missing = sum(len(call('POST', '/v1/collections/c/documents/get', {'ids': [f'b{b}-{i}' for i in range(100)]})[1]['missing']) for b in s['acked'])
    print(f"after restart: {info['documents']} documents; {len(s['acked'])} batches acknowledged; {missing} acknowledged documents missing")
    sys.exit(1 if missing or info['documents'] != 100 * len(s['acked']) else 0)
json.dump(s, open(work + '/state.json', 'w'))
PY
python3 "$WORK/client.py" "$PORT" "$WORK" fill
echo "--- freeing space (tmpfs grown to 64m), writing on without a restart"
mount -o remount,size=64m "$WORK/mnt"
python3 "$WORK/client.py" "$PORT" "$WORK" more
echo "--- kill -9 and restart"
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
start
python3 "$WORK/client.py" "$PORT" "$WORK" check
echo "--- server log"; cat "$WORK/serve.err"
[[ -d "$WORK/mnt/data/c/quarantine" ]] && echo "quarantine: $(ls "$WORK/mnt/data/c/quarantine")" || echo "no quarantine (no torn record in the log)"
