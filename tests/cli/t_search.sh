#!/bin/sh
# dateline search / optimize on invented articles: human and JSON output,
# ranges, --queries JSONL, syntax errors, exit statuses, and results
# unchanged by optimize.
. "$ROOT/tests/cli/lib.sh"
A="$T/arch"
mkdir -p "$T/in"
printf ' date 2021-03-01 The harbour strike closed the night ferry for a week.' > "$T/in/a.txt"
printf ' date 2021-03-02 A ferry at night: the harbour was quiet after the strike.' > "$T/in/b.txt"
printf ' date 2021-03-03\nWorkers ended the strike and the night ferry returned.' > "$T/in/c.txt"
printf ' date 2022-07-04 Tram drivers voted on a strike over pay.' > "$T/in/d.txt"
cat > "$T/in/e.jsonl" <<'J'
{"date": "2023-01-09", "title": "Museum reopens", "text": "The city museum reopened its doors.", "id": "museum-1"}
J
run "$DATELINE" ingest --archive "$A" --json "$T/in"
expect_eq "ingest exit" "$rc" 0
grep -q '"added": 5' "$T/out" || fail "ingest: $(cat "$T/out")"

# JSON shape (SPEC 4 Search)
run "$DATELINE" search --archive "$A" --json 'night ferry'
expect_eq "search exit" "$rc" 0
python3 - "$T/out" <<'P' || fail "bad search JSON: $(cat "$T/out")"
import json, sys
o = json.load(open(sys.argv[1]))
assert set(o) == {"query", "total", "took_ms", "hits"}, o.keys()
assert o["query"] == "night ferry" and o["total"] == 3, o
assert isinstance(o["took_ms"], float) and o["took_ms"] >= 0
for h in o["hits"]:
    assert set(h) == {"id", "date", "score", "title", "snippet"}, h
    assert len(h["id"]) == 16 and h["score"] > 0
    assert "[ferry]" in h["snippet"] or "[Ferry]" in h["snippet"], h
P

# phrase, exclusion, OR, title, range, -n
total() { python3 -c "import json,sys; print(json.load(open('$T/out'))['total'])"; }
run "$DATELINE" search --archive "$A" --json '"night ferry"'; expect_eq "phrase" "$(total)" 2
run "$DATELINE" search --archive "$A" --json 'strike -ferry'; expect_eq "exclusion" "$(total)" 1
run "$DATELINE" search --archive "$A" --json 'tram OR museum'; expect_eq "or" "$(total)" 2
run "$DATELINE" search --archive "$A" --json 'reopens'; expect_eq "title+text" "$(total)" 1
grep -q '"title":"Museum reopens"' "$T/out" || grep -q '"title": "Museum reopens"' "$T/out" || fail "title missing: $(cat "$T/out")"
grep -q '"id":"museum-1"' "$T/out" || grep -q '"id": "museum-1"' "$T/out" || fail "jsonl id lost"
run "$DATELINE" search --archive "$A" --json strike --from 2021-03-02 --to 2021-03-03
expect_eq "range" "$(total)" 2
grep -q '2021-03-01\|2022-07-04' "$T/out" && fail "hit outside the range: $(cat "$T/out")"
run "$DATELINE" search --archive "$A" --json strike -n 1
python3 -c "import json; o=json.load(open('$T/out')); assert o['total']==4 and len(o['hits'])==1" || fail "-n 1"
run "$DATELINE" search --archive "$A" strike
expect_eq "human exit" "$rc" 0
grep -q '^4 matches' "$T/out" || fail "human output: $(cat "$T/out")"

# several argv words form one query; queries starting with - after --
run "$DATELINE" search --archive "$A" --json night ferry; expect_eq "argv words" "$(total)" 3
run "$DATELINE" search --archive "$A" --json -- strike -ferry; expect_eq "after --" "$(total)" 1

# errors: only exclusions -> usage error; no archive -> 3
run "$DATELINE" search --archive "$A" -- -ferry
expect_eq "syntax exit" "$rc" 2
grep -q 'exclude' "$T/err" || fail "syntax message: $(cat "$T/err")"
run "$DATELINE" search --archive "$T/none" ferry
expect_eq "no archive" "$rc" 3
run "$DATELINE" search --archive "$A" --from 2021-02-30 ferry
expect_eq "bad date" "$rc" 2

# --queries: one JSON line per query, own ranges, own took_ms
printf 'night ferry\nstrike\t2022-01-01\t\nstrike\t\t2021-03-01\n-onlyexcluded\nmuseum\n' > "$T/q.txt"
run "$DATELINE" search --archive "$A" --queries "$T/q.txt"
expect_eq "queries exit (one bad query)" "$rc" 1
python3 - "$T/out" <<'P' || fail "queries JSONL: $(cat "$T/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [o["total"] for o in lines] == [3, 1, 1, 0, 1], [o["total"] for o in lines]
assert all("took_ms" in o for o in lines)
assert lines[1]["hits"][0]["date"] == "2022-07-04"
assert lines[2]["hits"][0]["date"] == "2021-03-01"
P

# a second ingest adds a segment; optimize merges; results unchanged
printf ' date 2024-05-05 A new ferry strike began at the harbour.' > "$T/f.txt"
run "$DATELINE" ingest --archive "$A" "$T/f.txt"
run "$DATELINE" search --archive "$A" --json 'harbour OR ferry strike'
cut -d, -f1-2 "$T/out" > /dev/null
python3 -c "import json; o=json.load(open('$T/out')); print([(h['id'], h['score']) for h in o['hits']], o['total'])" > "$T/before"
[ "$(ls "$A"/seg-*.dlx | wc -l)" -ge 2 ] || fail "expected 2 segments"
run "$DATELINE" optimize --archive "$A"
expect_eq "optimize exit" "$rc" 0
[ "$(ls "$A"/seg-*.dlx | wc -l)" -eq 1 ] || fail "optimize left $(ls "$A"/seg-*.dlx | wc -l) segments"
run "$DATELINE" search --archive "$A" --json 'harbour OR ferry strike'
python3 -c "import json; o=json.load(open('$T/out')); print([(h['id'], h['score']) for h in o['hits']], o['total'])" > "$T/after"
cmp -s "$T/before" "$T/after" || fail "results changed by optimize: $(cat "$T/before") vs $(cat "$T/after")"
exit 0
