# The crash test (SPEC 2): SIGKILL `dateline ingest` at random moments, many
# times.  After each kill the archive opens, passes the integrity check, and
# holds every article that an earlier, completed ingest reported as added.
# Readers run while the ingest does.
. "$ROOT/tests/cli/lib.sh"
ROUNDS=${CRASH_ROUNDS:-25}
[ "${DATELINE_SAN:-0}" = 1 ] && ROUNDS=6
A=$T/a
gen() { # gen PREFIX COUNT > file.jsonl : varied articles with unique ids
    python3 - "$1" "$2" <<'PY'
import json, random, sys
prefix, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(prefix)
names = ["Grace Okafor", "Daniel Hart", "Helen Brooks", "Tom Reilly", "Priya Nair"]
words = "port strike talks union ships pay deal vote council budget rain flood minister".split()
for i in range(n):
    who = rng.choice(names)
    body = " ".join(rng.choice(words) for _ in range(rng.randint(40, 160)))
    text = f"{who} said on Monday that the {body}.\n\n\u201cWe will see,\u201d {who.split()[0]} said. Item {prefix}-{i}."
    print(json.dumps({"id": f"{prefix}-{i}", "date": f"20{rng.randint(10,24)}-0{rng.randint(1,9)}-1{rng.randint(0,9)}", "text": text}))
PY
}
gen killX 60000 > $T/killbase.jsonl
acked=0
kills=0
for r in $(seq 1 $ROUNDS); do
    gen ack$r 500 > $T/ack.jsonl
    run $DATELINE ingest --archive $A --json $T/ack.jsonl
    expect_eq "round $r: completed ingest exit" $rc 0
    python3 -c "import json; c=json.load(open('$T/out')); assert c['added']==500, c" || fail "round $r counts: $(cat $T/out)"
    acked=$((acked + 500))
    sed "s/\"killX-/\"kill$r-/" $T/killbase.jsonl > $T/kill.jsonl
    $DATELINE ingest --archive $A --quiet $T/kill.jsonl > /dev/null 2>&1 &
    pid=$!
    # a reader works while the writer runs
    sleep 0.$(shuf -i 10-40 -n 1)
    $DATELINE stats --archive $A --json > $T/mid.json 2>&1 || fail "round $r: reader failed during ingest: $(cat $T/mid.json)"
    sleep 0.$(shuf -i 0-150 -n 1 | xargs printf '%03d')
    kill -9 $pid 2>/dev/null && kills=$((kills + 1))
    wait $pid 2>/dev/null
    run $DATELINE check --archive $A
    expect_eq "round $r: integrity after SIGKILL" $rc 0
    # every acknowledged article is there
    n=$(sqlite3 "file:$A/archive.db?mode=ro" "SELECT count(*) FROM articles WHERE id LIKE 'ack%'")
    expect_eq "round $r: acknowledged articles present" "$n" "$acked"
done
echo "MEASURE crash: rounds=$ROUNDS kills=$kills recoveries=$ROUNDS acknowledged=$acked lost=0"
