# Stories on ECB+ (B-cubed F1 >= 0.85) and on ../shared/corpus (pairwise F1).
. "$ROOT/tests/cli/lib.sh"
need_shared gold/ecbplus
"$DATELINE" ingest --quiet --archive "$T/e" "$SHARED/gold/ecbplus/input/articles.jsonl" > /dev/null 2>&1
run "$DATELINE" stories --archive "$T/e" --json
expect_eq "stories exit" "$rc" 0
python3 "$SHARED/eval/score_clusters.py" "$SHARED/gold/ecbplus/gold.jsonl" "$T/out" > "$T/score"
echo "MEASURE stories ecbplus bcubed_f1=$(result "$T/score" bcubed_f1)"
expect_ge "ecbplus bcubed f1" "$(result "$T/score" bcubed_f1)" 0.85
need_shared corpus
"$DATELINE" ingest --quiet --archive "$T/c" "$SHARED/corpus" > /dev/null 2>&1
"$DATELINE" stories --archive "$T/c" --json > "$T/c.json"
"$DATELINE" analyze "$SHARED/corpus" > "$T/names.jsonl" 2>/dev/null
python3 "$SHARED/eval/score_clusters.py" "$SHARED/corpus/index.tsv" "$T/c.json" --names "$T/names.jsonl" > "$T/cscore"
# The scorer reads index.tsv's "background" label as one gold story of 64
# unrelated articles, so its pairwise recall counts every background pair
# left apart as missed: with every gold story found whole and the
# background apart, pairwise F1 would be 0.795.  The issue's protocol
# (background as singletons) is scored too, from a copy of index.tsv that
# gives each background article a label of its own.
echo "MEASURE stories corpus pairwise_f1=$(result "$T/cscore" pairwise_f1) (scorer as is; target 0.80, ceiling 0.795; floor asserted 0.75)"
expect_ge "corpus pairwise precision" "$(result "$T/cscore" pairwise_p)" 0.95
expect_ge "corpus pairwise f1 (floor)" "$(result "$T/cscore" pairwise_f1)" 0.75
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 && $2 == "background" { $2 = "background:" $1 } { print }' \
    "$SHARED/corpus/index.tsv" > "$T/index_single.tsv"
python3 "$SHARED/eval/score_clusters.py" "$T/index_single.tsv" "$T/c.json" --names "$T/names.jsonl" > "$T/sscore"
echo "MEASURE stories corpus background-as-singletons pairwise_f1=$(result "$T/sscore" pairwise_f1) p=$(result "$T/sscore" pairwise_p) r=$(result "$T/sscore" pairwise_r)"
expect_ge "corpus (background singletons) pairwise precision" "$(result "$T/sscore" pairwise_p)" 0.97
expect_ge "corpus (background singletons) pairwise f1" "$(result "$T/sscore" pairwise_f1)" 0.93
# merges keep ids stable: the older id survives; a merged-away id stays as a
# tombstone ("=ID", no articles, no label) naming a smaller live story; no
# article is left in a tombstone; stats counts live stories only
DB="$T/c/archive.db"
expect_eq "articles in tombstones" "$(sqlite3 "$DB" "SELECT count(*) FROM articles a JOIN stories s ON s.story = a.story WHERE s.articles = 0")" 0
expect_eq "bad tombstones" "$(sqlite3 "$DB" "SELECT count(*) FROM stories t WHERE t.articles = 0 AND NOT EXISTS (SELECT 1 FROM stories s WHERE '=' || s.story = CAST(t.state AS TEXT) AND s.story < t.story)")" 0
ntomb=$(sqlite3 "$DB" "SELECT count(*) FROM stories WHERE articles = 0")
[ "$ntomb" -gt 0 ] || fail "no story was merged"
expect_eq "story counts" "$(sqlite3 "$DB" "SELECT count(*) FROM stories s WHERE articles != (SELECT count(*) FROM articles a WHERE a.story = s.story)")" 0
nlive=$(sqlite3 "$DB" "SELECT count(*) FROM stories WHERE articles > 0")
"$DATELINE" stats --archive "$T/c" --json > "$T/stats.json"
expect_eq "stats stories" "$(python3 -c "import json; print(json.load(open('$T/stats.json'))['stories'])")" "$nlive"
