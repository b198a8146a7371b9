# Dedup and story lookups read the rows a session wrote from memory while the
# archive held none before (and no other connection writes), from the tables
# otherwise.  Both paths must decide alike: the ECB+ articles ingested in one
# run and in two runs (the second starting from a non-empty archive, so it
# reads the tables) give the same near-duplicate pairs and stories.
. "$ROOT/tests/cli/lib.sh"
need_shared gold/ecbplus
IN="$SHARED/gold/ecbplus/input/articles.jsonl"
N=$(wc -l < "$IN")
H=$((N / 2))
head -n "$H" "$IN" > "$T/a.jsonl"
tail -n +"$((H + 1))" "$IN" > "$T/b.jsonl"
"$DATELINE" ingest --quiet --archive "$T/one" "$IN" > /dev/null 2>&1
"$DATELINE" ingest --quiet --archive "$T/two" "$T/a.jsonl" > /dev/null 2>&1
"$DATELINE" ingest --quiet --archive "$T/two" "$T/b.jsonl" > /dev/null 2>&1
for x in one two; do
    "$DATELINE" dups --archive "$T/$x" --json > "$T/$x.dups"
    "$DATELINE" stories --archive "$T/$x" --json > "$T/$x.stories"
done
expect_ge "stories listed" "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['stories']))" "$T/one.stories")" 10
cmp -s "$T/one.dups" "$T/two.dups" || fail "near-duplicate pairs differ between one and two runs"
cmp -s "$T/one.stories" "$T/two.stories" || fail "stories differ between one and two runs"
