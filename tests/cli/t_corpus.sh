# ../shared/corpus (455 real articles, as real files come): all taken, the
# stored text is each file's body trimmed, byte for byte, ids are stable.
. "$ROOT/tests/cli/lib.sh"
need_shared corpus
run $DATELINE ingest --archive $T/a --json "$SHARED/corpus"
python3 -c "import json; c=json.load(open('$T/out')); assert c['added']==455 and c['rejected']==4, c" || fail "counts: $(cat $T/out) $(head -5 $T/err)"
$DATELINE analyze "$SHARED/corpus" > $T/an.jsonl 2>/dev/null
python3 - $T/an.jsonl "$SHARED/corpus" <<'PY' || fail "stored text differs from the input body"
import json, os, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    raw = open(a["source"], "rb").read().decode("utf-8")
    body = raw.lstrip()
    assert body.startswith("date " + a["date"]), a["source"]
    assert a["text"] == body[15:].strip(), a["source"]
    n += 1
assert n == 455, n
PY
$DATELINE analyze "$SHARED/corpus" > $T/an2.jsonl 2>/dev/null
cmp -s $T/an.jsonl $T/an2.jsonl || fail "analyze is not deterministic"
id=$(head -1 $T/an.jsonl | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['id'])")
run $DATELINE show --archive $T/a --json $id
expect_eq "show a corpus article" $rc 0
