# Dedup and story lookups read their keys from memory, rebuilt at the start
# of a session from the key logs (dupkeys.log, storykeys.log) that earlier
# sessions appended.  The ECB+ articles ingested in one run and in two runs
# give the same near-duplicate pairs and stories; so do two runs between
# which a batch crashed mid-write, leaving bytes past both logs' committed
# lengths (they must be ignored, then overwritten).  So does one run whose
# analysis workers (six of them) empty their token caches every few
# articles: the numbers they give words for the story assigner and the
# index start again each time, and the assigner's maps of them are
# replaced as more arrive than it keeps; the index segments come out
# byte for byte the same too.
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
"$DATELINE" ingest --quiet --archive "$T/torn" "$T/a.jsonl" > /dev/null 2>&1
for f in dupkeys.log storykeys.log; do
    [ -s "$T/torn/$f" ] || fail "no $f"
    head -c 777 /dev/urandom >> "$T/torn/$f"
done
"$DATELINE" ingest --quiet --archive "$T/torn" "$T/b.jsonl" > /dev/null 2>&1 || fail "ingest after a torn write"
DATELINE_THREADS=6 DATELINE_PREP_CACHE_MAX=400 \
    "$DATELINE" ingest --quiet --archive "$T/small" "$IN" > /dev/null 2>&1 || fail "ingest, small caches"
for x in one two torn small; do
    "$DATELINE" dups --archive "$T/$x" --json > "$T/$x.dups"
    "$DATELINE" stories --archive "$T/$x" --json > "$T/$x.stories"
done
expect_ge "stories listed" "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['stories']))" "$T/one.stories")" 10
cmp -s "$T/one.dups" "$T/two.dups" || fail "near-duplicate pairs differ between one and two runs"
cmp -s "$T/one.stories" "$T/two.stories" || fail "stories differ between one and two runs"
cmp -s "$T/one.dups" "$T/torn.dups" || fail "near-duplicate pairs differ after a torn write"
cmp -s "$T/one.stories" "$T/torn.stories" || fail "stories differ after a torn write"
cmp -s "$T/one.dups" "$T/small.dups" || fail "near-duplicate pairs differ with small token caches"
cmp -s "$T/one.stories" "$T/small.stories" || fail "stories differ with small token caches"
n=0
for f in "$T"/one/seg-*.dlx; do
    cmp -s "$f" "$T/small/$(basename "$f")" || fail "index segment $(basename "$f") differs with small token caches"
    n=$((n + 1))
done
expect_ge "index segments compared" $n 1
