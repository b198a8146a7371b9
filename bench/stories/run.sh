#!/bin/sh
# Stories bench (issue 6), two figures:
#  1. timeline latency: `dateline timeline` over a topic of >= 1,500 articles
#     (the T17 "libya" articles twice, the second time with fresh ids, stored
#     without dedup so that every copy counts), query "Libya", 40 dates x 2
#     lines; median wall and CPU seconds of RUNS runs (wall suffers on a
#     loaded machine; CPU is what the timeline costs).  Target: < 1 s.
#  2. dedup + story clustering cost: the same distinct input (T17 dev topics
#     and ../shared/corpus, ~1,770 articles) ingested with and without those
#     two stages (DATELINE_BENCH_NO_STORIES=1, a switch for this bench only);
#     median wall and CPU seconds, and the share of ingest the stages take.
#     Target: < 20%.
# Inputs are generated under $OUT (default /tmp/dateline-bench), never committed.
# For a quick look while developing: RUNS=1 sh bench/stories/run.sh (one run
# each; wall figures on a shared machine vary a lot, CPU ones less).
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$ROOT/../shared
RUNS=${RUNS:-3}
OUT=${OUT:-/tmp/dateline-bench}/stories
DL=$ROOT/dateline
mkdir -p $OUT
T17=$SHARED/gold/timeline17
[ -d $T17 ] || { echo "no $T17"; exit 0; }

# ---- 1. timeline latency
TOPIC=$OUT/topic.jsonl
python3 - $T17/libya/articles.jsonl $TOPIC <<'PY'
import json, sys
arts = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for k in range(2):
        for a in arts:
            f.write(json.dumps({"id": "r%d-%s" % (k, a["id"]), "date": a["date"], "text": a["text"]}) + "\n")
PY
rm -rf $OUT/topic
DATELINE_BENCH_NO_STORIES=1 $DL ingest --quiet --archive $OUT/topic $TOPIC > /dev/null
NTOPIC=$(python3 -c "import json,sys; print(sum('libya' in json.loads(l)['text'].lower() for l in open('$TOPIC')))")
tl=""
for r in $(seq 1 $RUNS); do
    /usr/bin/time -f "%e %U %S" -o $OUT/time \
        $DL timeline --archive $OUT/topic --json Libya --dates 40 --per-date 2 > $OUT/tl.json
    tl="$tl $(awk '{printf "%s:%s", $1, $2 + $3}' $OUT/time)"
done

# ---- 2. dedup + clustering share of ingest
IN=$OUT/distinct.jsonl
python3 - $T17 $SHARED/corpus $IN <<'PY'
import glob, json, os, sys
t17, corpus, out = sys.argv[1:4]
with open(out, "w", encoding="utf-8") as f:
    for p in sorted(glob.glob(os.path.join(t17, "*", "articles.jsonl"))):
        for l in open(p, encoding="utf-8"):
            a = json.loads(l)
            f.write(json.dumps({"id": a["id"], "date": a["date"], "text": a["text"]}) + "\n")
    for d, _, files in sorted(os.walk(corpus)):
        for n in sorted(files):
            if not n.endswith(".txt"): continue
            raw = open(os.path.join(d, n), encoding="utf-8").read().lstrip()
            if raw.startswith("date "):
                f.write(json.dumps({"id": os.path.relpath(os.path.join(d, n), corpus),
                                    "date": raw[5:15], "text": raw[15:].strip()}) + "\n")
PY
NIN=$(wc -l < $IN)
# with and without alternate run by run, so that a drift of the machine's
# speed (it is shared) weighs on both alike
with=""; without=""
for r in $(seq 1 $RUNS); do
    for nb in 0 1; do
        rm -rf $OUT/a
        DATELINE_BENCH_NO_STORIES=$nb /usr/bin/time -f "%e %U %S" -o $OUT/time \
            $DL ingest --quiet --archive $OUT/a $IN > /dev/null
        t=$(awk '{printf "%s:%s ", $1, $2 + $3}' $OUT/time)
        if [ $nb = 0 ]; then with="$with $t"; else without="$without $t"; fi
    done
done
python3 - "$tl" "$with" "$without" "$NTOPIC" "$NIN" <<'PY'
import statistics, sys
med = lambda xs: statistics.median(xs)
def split(s):
    runs = [tuple(map(float, x.split(":"))) for x in s.split()]
    return med(r[0] for r in runs), med(r[1] for r in runs)
tl, tlc = split(sys.argv[1])
ww, wc = split(sys.argv[2])
ow, oc = split(sys.argv[3])
print(f"timeline: topic of {sys.argv[4]} articles holding the query, 40 dates x 2 lines: "
      f"median {tl:.3f} s wall, {tlc:.3f} s CPU (target < 1 s)")
print(f"ingest of {sys.argv[5]} distinct articles: with dedup+stories {ww:.2f} s wall "
      f"{wc:.2f} s CPU; without {ow:.2f} s wall {oc:.2f} s CPU")
print(f"dedup+stories share of ingest: {100 * (ww - ow) / ww:.1f}% wall, "
      f"{100 * (wc - oc) / wc:.1f}% CPU (target < 20%)")
PY
# The same share in instructions executed (callgrind, one run each): a count
# that a busy machine does not change, where the times above vary by several
# points from run to run.  Skipped without valgrind; INSTR=0 skips it too.
if [ "${INSTR:-1}" != 0 ] && command -v valgrind > /dev/null; then
    for nb in 0 1; do
        rm -rf $OUT/a
        DATELINE_BENCH_NO_STORIES=$nb valgrind --tool=callgrind \
            --callgrind-out-file=$OUT/cg.$nb $DL ingest --quiet --archive $OUT/a $IN \
            > /dev/null 2>&1
    done
    iw=$(sed -n 's/^totals: //p' $OUT/cg.0)
    io=$(sed -n 's/^totals: //p' $OUT/cg.1)
    python3 -c "import sys; w, o = int(sys.argv[1]), int(sys.argv[2]); \
print(f'dedup+stories share of ingest in instructions: {100 * (w - o) / w:.1f}% ' \
      f'({w / 1e9:.2f} G with, {o / 1e9:.2f} G without; target < 20%)')" "$iw" "$io"
fi
