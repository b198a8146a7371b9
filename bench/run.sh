#!/bin/sh
# `make bench`: every benchmark of bench/, one after the other.  Each prints
# its own table; see bench/README.md.  Heavy: run on a quiet machine.
cd "$(dirname "$0")"
for b in ingest.sh analyze.sh search/run.sh stories/run.sh serve/run.sh; do
    [ -f "$b" ] || continue
    echo "== bench/$b"
    sh "$b" || echo "bench/$b failed"
done
