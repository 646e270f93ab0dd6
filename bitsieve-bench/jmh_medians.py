#!/usr/bin/env python3
"""Prints the median (and min/max) of the measurement iterations of JMH JSON result files (-rf json).

usage: python3 bitsieve-bench/jmh_medians.py result.json [more.json ...]
"""
import json
import statistics
import sys

for path in sys.argv[1:]:
    try:
        results = json.load(open(path))
    except ValueError:
        print("%s: not a finished JMH JSON result, skipped" % path, file=sys.stderr)
        continue
    for r in results:
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        params = ",".join("%s=%s" % kv for kv in (r.get("params") or {}).items())
        name = r["benchmark"].rsplit(".", 2)
        print("%-45s %-22s median %14.1f  min %14.1f  max %14.1f  %s  (n=%d)" % (
            name[-2] + "." + name[-1], params, statistics.median(raw), min(raw), max(raw),
            r["primaryMetric"]["scoreUnit"], len(raw)))
