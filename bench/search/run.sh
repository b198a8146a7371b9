#!/bin/sh
# bench/search/run.sh -- dateline vs SQLite FTS5 vs Xapian on one generated
# corpus (bench/search/gen.py): index build alone, whole `dateline ingest`,
# index size, per-class p50/p99 latency, top-10 overlap with FTS5.
#
#   sh bench/search/run.sh                 50,000 articles (about 15 min here,
#                                          most of it Xapian's build)
#   N=1000000 SKIP_XAPIAN=1 SKIP_FTS5=1 SKIP_INGEST=1 sh bench/search/run.sh
#                                          the scale run (heavy: once only)
#   RUNS=3 BUILDS=1 WORK=/tmp/dl-bench     query runs, builds per engine,
#                                          scratch folder (not in the repo)
#   FTS_RUNS=1                             FTS5 query runs (its OR queries take
#                                          ~0.1 s each: one run by default)
#   SKIP_XAPIAN=1 / SKIP_FTS5=1 / SKIP_INGEST=1   leave a part out
#   REUSE_XAPIAN=1                         keep WORK/xap and WORK/xap.1.txt from
#                                          an earlier run (its build is slow)
#
# Prints the table of report.py (medians over builds and runs); the last
# lines are the targets of issue 5 with PASS/FAIL.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-50000}
RUNS=${RUNS:-3}
BUILDS=${BUILDS:-1}
WORK=${WORK:-/tmp/dl-bench-$N}
OUT=$ROOT/bench/out
mkdir -p "$WORK"
make -s -C "$ROOT/bench/search" >/dev/null
[ -f "$WORK/corpus.jsonl" ] || python3 "$ROOT/bench/search/gen.py" "$ROOT/../shared/corpus" "$WORK" "$N"
Q=$WORK/queries.tsv

dl= ; fts= ; xap=
b=1
while [ $b -le "$BUILDS" ]; do
    rm -rf "$WORK/dl"
    "$OUT/bench_dl" build "$WORK/corpus.jsonl" "$WORK/dl" "$WORK/dl.$b.txt"
    "$OUT/bench_dl" query "$WORK/dl" "$Q" "$RUNS" "$WORK/dl.$b.txt"
    dl=${dl:+$dl,}$WORK/dl.$b.txt
    if [ -z "${SKIP_FTS5:-}" ]; then
        "$OUT/bench_fts5" build "$WORK/corpus.jsonl" "$WORK/fts.db" "$WORK/fts.$b.txt"
        "$OUT/bench_fts5" query "$WORK/fts.db" "$Q" "${FTS_RUNS:-1}" "$WORK/fts.$b.txt"
        fts=${fts:+$fts,}$WORK/fts.$b.txt
    fi
    b=$((b + 1))
done
if [ -z "${SKIP_XAPIAN:-}" ]; then
    [ -f "$WORK/xap.1.txt" ] && [ -d "$WORK/xap" ] && [ -n "${REUSE_XAPIAN:-}" ] ||
        "$OUT/bench_xapian" build "$WORK/corpus.jsonl" "$WORK/xap" "$WORK/xap.1.txt"
    grep -v '^lat\|^top' "$WORK/xap.1.txt" > "$WORK/xap.q.txt"
    "$OUT/bench_xapian" query "$WORK/xap" "$Q" "$RUNS" "$WORK/xap.q.txt"
    xap="xapian=$WORK/xap.q.txt"
fi
if [ -z "${SKIP_INGEST:-}" ]; then
    rm -rf "$WORK/archive"
    /usr/bin/time -f "%e %U %S" -o "$WORK/ingest.time" \
        "$ROOT/dateline" ingest --quiet --archive "$WORK/archive" "$WORK/corpus.jsonl" > /dev/null
    ingest=$(awk '{print $1}' "$WORK/ingest.time")
    ingest_cpu=$(awk '{print $2 + $3}' "$WORK/ingest.time")
fi
python3 "$ROOT/bench/search/report.py" "$Q" "dateline=$dl" ${fts:+"fts5=$fts"} $xap
if [ -n "${ingest:-}" ] && [ -n "$fts" ]; then
    fb=$(grep '^build ' "$WORK/fts.1.txt" | cut -d' ' -f2)
    echo "whole dateline ingest of $N articles (analysis included): ${ingest} s wall," \
         "$(echo "scale=2; $ingest / $fb" | bc) x FTS5's index build (target <= 4);" \
         "${ingest_cpu} s CPU on all threads ($(echo "scale=2; $ingest_cpu / $fb" | bc) x)"
fi
