#!/bin/sh
# Ingest throughput: ../shared/corpus repeated with fresh ids to >= N articles
# (default 100,000), ingested into a new archive RUNS times (default 3).
# Prints the median MB/s and articles/s of the whole `dateline ingest`
# (parse, analyze, store), the archive's bytes per MB of text, and, as a
# peer, the same JSONL parsed by Python and inserted into a plain SQLite
# table in one transaction (a floor: storing the bytes with no analysis).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-100000}
RUNS=${RUNS:-3}
OUT=${OUT:-/tmp/dateline-bench}
mkdir -p $OUT
CORPUS=$OUT/corpus-$N.jsonl
[ -s $CORPUS ] || python3 $ROOT/bench/make_corpus.py $ROOT/../shared/corpus $N $CORPUS
MB=$(python3 -c "import os; print(os.path.getsize('$CORPUS') / 1e6)")
ART=$(wc -l < $CORPUS)
times=""
for r in $(seq 1 $RUNS); do
    rm -rf $OUT/a
    s=$(date +%s.%N)
    $ROOT/dateline ingest --quiet --archive $OUT/a $CORPUS > /dev/null
    e=$(date +%s.%N)
    times="$times $(echo "$e - $s" | bc -l)"
done
text=$($ROOT/dateline stats --archive $OUT/a --json)
peer=""
for r in $(seq 1 $RUNS); do
    rm -f $OUT/peer.db
    s=$(date +%s.%N)
    python3 - $CORPUS $OUT/peer.db <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS a(id TEXT UNIQUE, date TEXT, text TEXT)")
with db:
    db.executemany("INSERT INTO a VALUES(?,?,?)",
                   ((o["id"], o["date"], o["text"]) for o in map(json.loads, open(sys.argv[1], encoding="utf-8"))))
PY
    e=$(date +%s.%N)
    peer="$peer $(echo "$e - $s" | bc -l)"
done
python3 - "$times" "$peer" "$MB" "$ART" "$text" <<'PY'
import json, statistics, sys
t = statistics.median(map(float, sys.argv[1].split()))
p = statistics.median(map(float, sys.argv[2].split()))
mb, art = float(sys.argv[3]), int(sys.argv[4])
st = json.loads(sys.argv[5])
tm = st["text_bytes"] / 1e6
print(f"input: {art} articles, {mb:.1f} MB of JSONL, {tm:.1f} MB of text")
print(f"dateline ingest      median {t:7.2f} s  {mb / t:7.1f} MB/s  {art / t:9.0f} articles/s")
print(f"python+sqlite3 peer  median {p:7.2f} s  {mb / p:7.1f} MB/s  {art / p:9.0f} articles/s  (ratio dateline/peer speed {p / t:.2f})")
print(f"archive: {st['bytes'] / 1e6:.1f} MB on disk, {st['bytes'] / st['text_bytes']:.2f} bytes per byte of text ({st['bytes'] / tm / 1e6:.2f} MB per MB)")
PY
