#!/bin/sh
# Analysis throughput: ../shared/corpus concatenated into JSONL and repeated
# to >= MB megabytes (default 50), run through `dateline analyze` on one core
# (taskset -c 0) RUNS times (default 3); prints the median MB/s (tokens,
# sentences and times: whatever stages analyze runs) and, in the same run, the
# peer: chrono-node (npm, the most used date parser) running chrono.parse
# over every article with its date as reference (bench/chrono/run_chrono.js),
# and the ratio.  CHRONO_MB=N gives the peer only the first N MB (it is ~15x
# slower); by default it parses the same whole file.
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
SIZE=$(wc -c < "$CORPUS")
ART=$(wc -l < "$CORPUS")
PIN=""
command -v taskset > /dev/null && PIN="taskset -c 0"
if [ ! -d "$ROOT/bench/chrono/node_modules/chrono-node" ]; then
    (cd "$ROOT/bench/chrono" && npm install --no-audit --no-fund > /dev/null)
fi
LIMIT=""
[ -n "${CHRONO_MB:-}" ] && LIMIT=$(python3 -c "print(int(${CHRONO_MB} * 1e6))")

# wall seconds and CPU (user + sys) seconds of each run: on a shared machine
# the CPU time is the fairer figure, so both are printed
times="" cpu="" peer="" pcpu="" pbytes="" found=""
for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" $PIN "$ROOT/dateline" analyze "$CORPUS" \
        > "$OUT/analyze.out"
    set -- $(cat "$OUT/time.txt")
    times="$times $1" cpu="$cpu $(echo "$2 + $3" | bc -l)"
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" $PIN node "$ROOT/bench/chrono/run_chrono.js" \
        "$CORPUS" $LIMIT > "$OUT/chrono.txt"
    set -- $(cat "$OUT/chrono.txt") $(cat "$OUT/time.txt")
    peer="$peer $1" pbytes=$2 found=$4 pcpu="$pcpu $(echo "$6 + $7" | bc -l)"
done
counts=$(python3 - "$OUT/analyze.out" <<'PY'
import json, sys
s = t = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    s += len(o["sentences"]); t += len(o["times"])
print(s, t)
PY
)
rm -f "$OUT/analyze.out"
python3 - "$times" "$peer" "$SIZE" "$ART" "$pbytes" "$found" "$counts" "$cpu" "$pcpu" <<'PY'
import statistics, sys
t = statistics.median(map(float, sys.argv[1].split()))
p = statistics.median(map(float, sys.argv[2].split()))
tc = statistics.median(map(float, sys.argv[8].split()))
pc = statistics.median(map(float, sys.argv[9].split()))
size, art, pbytes, found = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
sents, times = map(int, sys.argv[7].split())
d, c = size / 1e6 / t, pbytes / 1e6 / p
print(f"input: {art} articles, {size / 1e6:.1f} MB of JSONL (one core, median of {len(sys.argv[1].split())} runs)")
print(f"dateline analyze   {t:7.2f} s  {d:7.1f} MB/s  ({sents} sentences, {times} times)")
print(f"chrono-node parse  {p:7.2f} s  {c:7.1f} MB/s  ({pbytes / 1e6:.1f} MB, {found} dates)")
print(f"ratio dateline/chrono-node speed: {d / c:.1f}x (wall)")
dc, cc = size / 1e6 / tc, pbytes / 1e6 / pc
print(f"CPU time: dateline {tc:.2f} s = {dc:.1f} MB/s; chrono-node {pc:.2f} s = {cc:.1f} MB/s; ratio {dc / cc:.1f}x")
PY
