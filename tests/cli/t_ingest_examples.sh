# ingest the bundled examples: counts, exit status, stats, show (text and
# JSON), and a second ingest that finds everything present.
. "$ROOT/tests/cli/lib.sh"
A=$T/a
run $DATELINE ingest --archive $A --json "$ROOT/examples"
expect_eq "exit" $rc 1   # examples/README.md is not an article: rejected, the rest taken
grep -q 'README.md:1: no header' $T/err || fail "README.md not reported: $(cat $T/err)"
python3 - $T/out <<'PY' || fail "counts: $(cat $T/out)"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["added"] == 7 and c["present"] == 0 and c["rejected"] == 1, c
assert c["near_duplicates"] == 1, c  # the wire copy of 2024-03-06
PY
run $DATELINE ingest --archive $A --json "$ROOT/examples/plain" "$ROOT/examples/feed.jsonl"
expect_eq "exit of second ingest" $rc 0
python3 -c "import json,sys; c=json.load(open('$T/out')); assert c['added']==0 and c['present']==7, c" || fail "second ingest: $(cat $T/out)"

run $DATELINE stats --archive $A --json
expect_eq "stats exit" $rc 0
python3 - $T/out <<'PY' || fail "stats: $(cat $T/out)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["articles"] == 7 and s["first"] == "2024-03-04" and s["last"] == "2024-03-11", s
assert s["bytes"] > 0 and "stories" in s
PY
run $DATELINE stats --archive $A
grep -q '^articles *7$' $T/out || fail "stats text: $(cat $T/out)"

# show: by the JSONL id, and by the hash id of a plain file
run $DATELINE show --archive $A ex-council-budget
expect_eq "show exit" $rc 0
grep -q 'Council approves library cuts' $T/out || fail "show: no title"
grep -q 'Councillor Tom Reilly' $T/out || fail "show: no text"
f="$ROOT/examples/plain/2024-03-04-northmouth-strike.txt"
id=$($DATELINE analyze "$f" | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['id'])")
run $DATELINE show --archive $A --json $id
expect_eq "show --json exit" $rc 0
python3 - $T/out "$f" <<'PY' || fail "show --json"
import json, sys
a = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], encoding="utf-8").read()
body = raw.split("2024-03-04", 1)[1].strip()
assert a["text"] == body, "stored text is not the input body byte for byte"
for k in ("id", "date", "source", "sentences", "entities", "quotes", "times"):
    assert k in a, k
assert a["date"] == "2024-03-04"
PY
run $DATELINE show --archive $A 0123456789abcdef
expect_eq "show missing id exit" $rc 1
grep -q 'no article' $T/err || fail "show missing: $(cat $T/err)"
# a missing archive is exit 3 for readers
run $DATELINE stats --archive $T/nothing-here
expect_eq "missing archive exit" $rc 3

# a near-duplicate copy is stored and linked, but its quotes are not listed twice
run $DATELINE quotes --archive $A --speaker "Grace Okafor" --json -n 100
expect_eq "quotes exit" $rc 0
python3 - $T/out <<'PY' || fail "quotes of the copy listed twice: $(cat $T/out)"
import json, sys
q = json.load(open(sys.argv[1]))["quotes"]
texts = [x["text"] for x in q]
assert len(q) >= 6 and len(texts) == len(set(texts)), texts
PY
