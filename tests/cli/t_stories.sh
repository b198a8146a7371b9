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
echo "MEASURE stories corpus pairwise_f1=$(result "$T/cscore" pairwise_f1) (target 0.80; floor asserted 0.69)"
expect_ge "corpus pairwise precision" "$(result "$T/cscore" pairwise_p)" 0.95
expect_ge "corpus pairwise f1 (floor)" "$(result "$T/cscore" pairwise_f1)" 0.69
