#!/usr/bin/env bash
# Before/after timing of the CLI's bulk load (docs/scaling.md, "Bulk-load cost"): alternating runs of
# `bitsieve index C --vectors V --general -q [extra args]` from two checkouts, three rounds, each printing the
# command's own "docs/s" and "docs/s in the store" and the process CPU time.
#
#   git worktree add /tmp/before <commit>; (cd /tmp/before && ./bitsieve --version)   # build the "before" once
#   python3 tools/make-bulk-vectors.py /tmp/v1m.npy
#   tools/bench-bulk-cli.sh /tmp/before /tmp/v1m.npy --keep-floats none      # and --keep-floats f16
set -euo pipefail
after="$(cd "$(dirname "$0")/.." && pwd)"
before="$1"; vectors="$2"; shift 2
coll="$(mktemp -d)/coll"
"$after/bitsieve" --version >/dev/null   # build first, outside the timings
for i in 1 2 3; do
  for side in before after; do
    root="$after"; [[ $side == before ]] && root="$before"
    rm -rf "$coll"; sync
    printf '%s run %d, load %s: ' "$side" "$i" "$(cut -d' ' -f1 /proc/loadavg)"
    /usr/bin/time -f "cpu %U+%S s, wall %e s" "$root/bitsieve" index "$coll" --vectors "$vectors" --general -q "$@" 2>&1 \
      | grep -o "bulk-loaded.*in the store\|cpu.*" | tr '\n' ' '
    echo
  done
done
rm -rf "$(dirname "$coll")"
