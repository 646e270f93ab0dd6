#!/usr/bin/env python3
"""Clients that ask for a large answer and never read it, against a running `bitsieve serve` (docs/server.md, Reliability).

    python3 tools/slow-reader-probe.py --port 8080 --key KEY [--readers 40] [--wait 3]

Creates (or reuses) the collection `slowprobe` with 5 documents of 1 MB metadata, opens --readers sockets (receive buffer
4 KB) that each ask for 20 of them (~20 MB) and never read, waits --wait seconds, then times 5 searches of another
client. Before ResponseWriter each non-reading socket held a request thread until the idle timeout (30 s), so the first
search waited that long. Needs a write key (it creates the collection). Standard library only.
"""
import argparse, json, random, socket, time, urllib.error, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument('--port', type=int, required=True)
ap.add_argument('--key', required=True)
ap.add_argument('--readers', type=int, default=40)
ap.add_argument('--wait', type=float, default=3)
a = ap.parse_args()

def call(method, path, body=None):
    req = urllib.request.Request(f'http://127.0.0.1:{a.port}{path}', method=method,
                                 data=None if body is None else json.dumps(body).encode(), headers={'Authorization': 'Bearer ' + a.key})
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status, round(time.time() - t, 3)
    except urllib.error.HTTPError as e:
        return e.code, round(time.time() - t, 3)

rnd = random.Random(3)
v = [rnd.gauss(0, 1) for _ in range(384)]
call('POST', '/v1/collections', {'name': 'slowprobe'})  # 409 when it exists: fine
call('POST', '/v1/collections/slowprobe/documents',
     {'documents': [{'id': f'big{i}', 'vector': v, 'metadata': {'blob': 'x' * 1_000_000}} for i in range(5)]})
print('search before:', call('POST', '/v1/collections/slowprobe/search', {'vector': v, 'k': 3}))
body = json.dumps({'ids': [f'big{i % 5}' for i in range(20)]}).encode()
socks = []
for _ in range(a.readers):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(('127.0.0.1', a.port))
    s.sendall(b'POST /v1/collections/slowprobe/documents/get HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' + a.key.encode()
              + b'\r\nContent-Type: application/json\r\nContent-Length: ' + str(len(body)).encode() + b'\r\n\r\n' + body)
    socks.append(s)  # and never read
time.sleep(a.wait)
for _ in range(5):
    print(f'search while {a.readers} clients do not read (status, seconds):', call('POST', '/v1/collections/slowprobe/search', {'vector': v, 'k': 3}))
    time.sleep(1)
for s in socks:
    s.close()
