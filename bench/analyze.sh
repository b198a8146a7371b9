#!/bin/sh
# Analysis throughput: ../shared/corpus concatenated into JSONL and repeated
# to >= MB megabytes (default 50), run through `dateline analyze` on one core
# (taskset -c 0) RUNS times (default 3), in two configurations:
#
#   full          every stage: tokens, sentences, entities, times, quotes
#                 (issue 4: >= 10 MB/s)
#   tok+sent+times  DATELINE_STAGES=tok,sent,times (benchmark-only switch,
#                 see src/analyze/analyze.h): no entity model, no quotes
#                 (issue 3: >= 20 MB/s)
#
# Both include reading and parsing the JSONL and writing the JSON.  The
# figures are MB of JSONL input per second of CPU time (user + sys: the
# machine is shared, wall time is printed too), medians of RUNS.  In the
# same run the peer, chrono-node (npm, the most used date parser), runs
# chrono.parse over every article with its date as reference
# (bench/chrono/run_chrono.js); the ratio compares it with tok+sent+times.
# CHRONO_MB=N gives the peer only the first N MB (it is ~15x slower); by
# default it parses the same whole file.
#
# Then build/tools/bench_stages (tools/bench_stages.c) prints where the time
# goes, stage by stage, in one process (thread CPU time, median of RUNS).
#
# The peer is installed on first use: `npm install` in bench/chrono (its
# node_modules is gitignored).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=${MB:-50}
RUNS=${RUNS:-3}
OUT=${OUT:-/tmp/dateline-bench}
mkdir -p "$OUT"
CORPUS=$OUT/analyze-$MB.jsonl
if [ ! -s "$CORPUS" ]; then
    # articles per copy of the corpus, to reach MB megabytes
    python3 "$ROOT/bench/make_corpus.py" "$ROOT/../shared/corpus" 1 "$OUT/one.jsonl"
    per=$(wc -l < "$OUT/one.jsonl")
    bytes=$(wc -c < "$OUT/one.jsonl")
    need=$(python3 -c "import math; print(math.ceil($MB * 1e6 / $bytes) * $per)")
    python3 "$ROOT/bench/make_corpus.py" "$ROOT/../shared/corpus" "$need" "$CORPUS"
fi
[ -x "$ROOT/build/tools/bench_stages" ] || make -C "$ROOT" -s tools
SIZE=$(wc -c < "$CORPUS")
ART=$(wc -l < "$CORPUS")
PIN=""
command -v taskset > /dev/null && PIN="taskset -c 0"
if [ ! -d "$ROOT/bench/chrono/node_modules/chrono-node" ]; then
    (cd "$ROOT/bench/chrono" && npm install --no-audit --no-fund > /dev/null)
fi
LIMIT=""
[ -n "${CHRONO_MB:-}" ] && LIMIT=$(python3 -c "print(int(${CHRONO_MB} * 1e6))")

fw="" fc="" bw="" bc="" pw="" pc="" pbytes="" found=""
for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" $PIN "$ROOT/dateline" analyze "$CORPUS" \
        > "$OUT/analyze.out"
    set -- $(cat "$OUT/time.txt")
    fw="$fw $1" fc="$fc $(echo "$2 + $3" | bc -l)"
    DATELINE_STAGES=tok,sent,times /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" \
        $PIN "$ROOT/dateline" analyze "$CORPUS" > /dev/null
    set -- $(cat "$OUT/time.txt")
    bw="$bw $1" bc="$bc $(echo "$2 + $3" | bc -l)"
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" $PIN node "$ROOT/bench/chrono/run_chrono.js" \
        "$CORPUS" $LIMIT > "$OUT/chrono.txt"
    # chrono.txt: seconds bytes articles dates; then wall user sys
    set -- $(cat "$OUT/chrono.txt") $(cat "$OUT/time.txt")
    pw="$pw $1" pbytes=$2 found=$4 pc="$pc $(echo "$6 + $7" | bc -l)"
done
counts=$(python3 - "$OUT/analyze.out" <<'PY'
import json, sys
s = t = e = q = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    s += len(o["sentences"]); t += len(o["times"]); e += len(o["entities"]); q += len(o["quotes"])
print(s, t, e, q)
PY
)
rm -f "$OUT/analyze.out"
python3 - "$SIZE" "$ART" "$pbytes" "$found" "$counts" "$fw" "$fc" "$bw" "$bc" "$pw" "$pc" <<'PY'
import statistics, sys
med = lambda s: statistics.median(map(float, s.split()))
size, art, pbytes, found = map(int, sys.argv[1:5])
sents, times, ents, quotes = map(int, sys.argv[5].split())
fw, fc, bw, bc, pw, pc = (med(a) for a in sys.argv[6:12])
mb, pmb = size / 1e6, pbytes / 1e6
runs = len(sys.argv[6].split())
print(f"input: {art} articles, {mb:.1f} MB of JSONL; one core (taskset -c 0); "
      f"medians of {runs} runs; MB/s of CPU time (wall in brackets)")
print(f"dateline analyze, full           {mb / fc:7.1f} MB/s  ({mb / fw:5.1f} wall)  "
      f"{sents} sentences, {ents} entities, {times} times, {quotes} quotes   [issue 4: >= 10]")
print(f"dateline analyze, tok+sent+times {mb / bc:7.1f} MB/s  ({mb / bw:5.1f} wall)"
      f"   [issue 3: >= 20]")
print(f"chrono-node parse                {pmb / pc:7.1f} MB/s  ({pmb / pw:5.1f} wall, in-process)  "
      f"{pmb:.1f} MB, {found} dates")
print(f"ratio to chrono-node (CPU): tok+sent+times {(mb / bc) / (pmb / pc):.1f}x, "
      f"full {(mb / fc) / (pmb / pc):.1f}x")
PY
$PIN "$ROOT/build/tools/bench_stages" "$CORPUS" "$RUNS"
