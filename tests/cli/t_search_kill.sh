#!/bin/sh
# Index integrity after SIGKILL mid-ingest: kill -9 an ingest of many
# invented articles at several moments; every time the archive must open,
# every stored article must be found by search (a word every article has),
# no segment file may be left unregistered once a writer reopens, and a
# rerun of the ingest completes the archive.
. "$ROOT/tests/cli/lib.sh"
[ "${DATELINE_SAN:-0}" = 1 ] && N=3000 || N=12000
A="$T/arch"
python3 - "$T/feed.jsonl" "$N" <<'P'
import json, random, sys
rng = random.Random(5)
words = "river bridge council vote budget school storm harbour ferry strike mayor police".split()
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        text = "Zebracrossing report %d. " % i + " ".join(rng.choice(words) for _ in range(60)) + "."
        f.write(json.dumps({"date": "20%02d-0%d-1%d" % (10 + i % 14, 1 + i % 9, i % 10),
                            "text": text}) + "\n")
P
for delay in 0.3 0.8 1.5; do
    "$DATELINE" ingest --archive "$A" --quiet "$T/feed.jsonl" > /dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    run "$DATELINE" stats --archive "$A" --json
    [ "$rc" -eq 0 ] || { [ "$rc" -eq 3 ] && grep -q 'no archive' "$T/err" && continue; fail "stats after kill: $(cat "$T/err")"; }
    stored=$(python3 -c "import json; print(json.load(open('$T/out'))['articles'])")
    run "$DATELINE" search --archive "$A" --json zebracrossing -n 1
    expect_eq "search after kill at ${delay}s" "$rc" 0
    found=$(python3 -c "import json; print(json.load(open('$T/out'))['total'])")
    expect_eq "articles found = stored (kill at ${delay}s)" "$found" "$stored"
    echo "kill at ${delay}s: $stored stored, $found found"
done
# a writer's open deletes unregistered segment files; a rerun completes
run "$DATELINE" ingest --archive "$A" --quiet --json "$T/feed.jsonl"
expect_eq "rerun exit" "$rc" 0
run "$DATELINE" search --archive "$A" --json zebracrossing -n 1
found=$(python3 -c "import json; print(json.load(open('$T/out'))['total'])")
expect_eq "all found after rerun" "$found" "$N"
registered=$(sqlite3 "$A/archive.db" 'SELECT count(*) FROM index_segments')
files=$(ls "$A"/seg-*.dlx | wc -l)
expect_eq "segment files = registered segments" "$files" "$registered"
exit 0
