#!/bin/sh
# `dateline quotes` and `dateline entities` over an archive of invented
# articles: speaker (full name and surname), words, date range, -n, --json
# shapes, exit statuses.
. "$ROOT/tests/cli/lib.sh"
mkdir -p "$T/in"
printf ' date 2021-03-01 Prime Minister Harold Pike said the budget was “a fair deal for everyone” on Monday.\n\n“We kept our promises,” Mr Pike told reporters.' > "$T/in/a.txt"
printf 'date 2021-03-05 Opposition leader Nora Quist said the budget was “a missed chance”.\n\n“Nobody believes the promises,” she added. Harold Pike did not reply.' > "$T/in/b.txt"
printf 'date 2021-04-10 Harold Pike said on Friday that the talks were “going well”.' > "$T/in/c.txt"
A="$T/arch"
run "$DATELINE" ingest --archive "$A" "$T/in"
expect_eq "ingest status" "$rc" 0

# newest first, all quotes
run "$DATELINE" quotes --archive "$A" --json
expect_eq "quotes status" "$rc" 0
python3 - "$T/out" <<'PY' || fail "quotes --json: $(cat "$T/out")"
import json, sys
o = json.load(open(sys.argv[1]))
q = o["quotes"]
assert len(q) == 5, q
assert [x["date"] for x in q] == sorted([x["date"] for x in q], reverse=True), q
assert q[0]["text"] == "going well" and q[0]["speaker"] == "Harold Pike", q[0]
for x in q:
    assert set(x) == {"speaker", "text", "date", "id", "start", "end"}, x
    assert len(x["id"]) == 16 and x["end"] - x["start"] == len(x["text"].encode()), x
PY

# by speaker: full name (any case), then surname
run "$DATELINE" quotes --archive "$A" --speaker "harold pike" --json
n=$(python3 -c "import json,sys; print(len(json.load(open('$T/out'))['quotes']))")
expect_eq "quotes by Harold Pike" "$n" 3
run "$DATELINE" quotes --archive "$A" --speaker Quist --json
python3 -c "
import json,sys; q=json.load(open('$T/out'))['quotes']
assert [x['text'] for x in q] == ['a missed chance', 'Nobody believes the promises'], q
assert all(x['speaker'] == 'Nora Quist' for x in q), q" || fail "quotes by Quist: $(cat "$T/out")"

# words, dates, -n
run "$DATELINE" quotes --archive "$A" promises --json
n=$(python3 -c "import json; print(len(json.load(open('$T/out'))['quotes']))")
expect_eq "quotes with 'promises'" "$n" 2
run "$DATELINE" quotes --archive "$A" --from 2021-03-02 --to 2021-03-31 --json
n=$(python3 -c "import json; print(len(json.load(open('$T/out'))['quotes']))")
expect_eq "quotes in March after the 1st" "$n" 2
run "$DATELINE" quotes --archive "$A" -n 1 --json
n=$(python3 -c "import json; print(len(json.load(open('$T/out'))['quotes']))")
expect_eq "quotes -n 1" "$n" 1
run "$DATELINE" quotes --archive "$A" --speaker Nobody
expect_eq "no quotes status" "$rc" 0
expect_eq "no quotes output" "$(cat "$T/out")" ""
run "$DATELINE" quotes --archive "$A" --speaker Pike
grep -q "Harold Pike" "$T/out" || fail "plain quotes output: $(cat "$T/out")"

# entities
run "$DATELINE" entities --archive "$A" --json
expect_eq "entities status" "$rc" 0
python3 - "$T/out" <<'PY' || fail "entities --json: $(cat "$T/out")"
import json, sys
e = json.load(open(sys.argv[1]))["entities"]
assert e and e[0]["name"] == "Harold Pike", e
assert e[0]["type"] == "PERSON" and e[0]["articles"] >= 2 and e[0]["mentions"] >= 3, e[0]
for x in e:
    assert set(x) == {"name", "type", "mentions", "articles"}, x
m = [x["mentions"] for x in e]
assert m == sorted(m, reverse=True), m
PY
run "$DATELINE" entities --archive "$A" quist --json
python3 -c "
import json; e=json.load(open('$T/out'))['entities']
assert [x['name'] for x in e] == ['Nora Quist'], e" || fail "entities quist: $(cat "$T/out")"
run "$DATELINE" entities --archive "$A" --from 2021-04-01 --json
python3 -c "
import json; e=json.load(open('$T/out'))['entities']
assert e and e[0]['name'] == 'Harold Pike' and e[0]['articles'] == 1, e" || fail "entities from April"

# usage and archive errors
run "$DATELINE" quotes --archive "$A" --from 2021-13-01
expect_eq "bad date status" "$rc" 2
run "$DATELINE" entities --archive "$A" --speaker X
expect_eq "entities --speaker status" "$rc" 2
run "$DATELINE" quotes --archive "$T/none"
expect_eq "missing archive status" "$rc" 3
exit 0
