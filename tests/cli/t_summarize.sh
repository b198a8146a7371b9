# summarize: one JSONL object per article with its lead first; text form too.
. "$ROOT/tests/cli/lib.sh"
run $DATELINE summarize --json "$ROOT/examples/plain"
expect_eq "summarize exit" $rc 0
python3 - $T/out <<'PY' || fail "summarize --json: $(head -c 400 $T/out)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 5, len(rows)
for r in rows:
    assert r["id"] and 1 <= len(r["sentences"]) <= 3, r
lead = [r for r in rows if r["sentences"][0].startswith("Dock workers at the Port of Northmouth walked out")]
assert lead, "the lead of the strike article is not its first summary sentence"
PY
run $DATELINE summarize "$ROOT/examples/plain/2024-03-07-weather-warning.txt"
expect_eq "summarize text exit" $rc 0
grep -q "Heavy rain is expected" $T/out || fail "text summary: $(cat $T/out)"
