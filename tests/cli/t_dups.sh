# Near-duplicates on ../shared/corpus: precision >= 0.95, recall >= 0.90.
. "$ROOT/tests/cli/lib.sh"
need_shared corpus
"$DATELINE" ingest --quiet --archive "$T/a" "$SHARED/corpus" > /dev/null 2>&1
[ $? -le 1 ] || fail "ingest failed"
run "$DATELINE" dups --archive "$T/a" --json
expect_eq "dups exit" "$rc" 0
"$DATELINE" analyze "$SHARED/corpus" > "$T/names.jsonl" 2>/dev/null
python3 "$SHARED/eval/score_dups.py" "$SHARED/corpus/near_copies.tsv" "$T/out" --names "$T/names.jsonl" > "$T/score"
cat "$T/score"
echo "MEASURE dups p=$(result "$T/score" p) r=$(result "$T/score" r)"
expect_ge "dups precision" "$(result "$T/score" p)" 0.95
expect_ge "dups recall" "$(result "$T/score" r)" 0.90
