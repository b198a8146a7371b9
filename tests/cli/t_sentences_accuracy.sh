# Sentence splitting accuracy on the dev sets (skips without ../shared):
# Golden Rules >= 51 of the 52 Pragmatic Segmenter rules and 47 of the 48
# pySBD rules, rule 18 ("At 5 a.m. Mr. Smith ...") included; CoNLL
# sentence boundary F1 >= 0.99; the seed article has its 16 sentences.
. "$ROOT/tests/cli/lib.sh"
need_shared gold/golden_rules
need_shared gold/conll
need_shared seed

G=$SHARED/gold
$DATELINE analyze $G/golden_rules/input/articles.jsonl > $T/gr.jsonl || fail "analyze golden_rules"
python3 $SHARED/eval/score_sentences.py -v $G/golden_rules/gold.jsonl $T/gr.jsonl > $T/gr.txt ||
    fail "scorer failed: $(tail -3 $T/gr.txt)"
ps=$(result $T/gr.txt golden_rules_ps52)
py=$(result $T/gr.txt golden_rules_pysbd48)
echo "MEASURE golden_rules ps52=$ps pysbd48=$py"
grep -A2 '^  ps52\|^  pysbd48' $T/gr.txt
expect_ge "Golden Rules ps52" "$ps" 0.98      # 51 / 52
expect_ge "Golden Rules pysbd48" "$py" 0.979  # 47 / 48
grep -q '^  ps52-18 ' $T/gr.txt && fail "rule 18 (At 5 a.m. Mr. Smith ...) fails"

$DATELINE analyze $G/conll/input > $T/conll.jsonl || fail "analyze conll"
python3 $SHARED/eval/score_sentences.py $G/conll/gold.jsonl $T/conll.jsonl > $T/conll.txt ||
    fail "scorer failed: $(tail -3 $T/conll.txt)"
bf=$(result $T/conll.txt boundary_f1)
sf=$(result $T/conll.txt sentence_f1)
echo "MEASURE conll boundary_f1=$bf sentence_f1=$sf"
expect_ge "CoNLL boundary F1" "$bf" 0.99
expect_ge "CoNLL sentence F1" "$sf" 0.98

$DATELINE analyze $SHARED/seed/darroch-2019-07-10.txt > $T/seed.jsonl || fail "analyze seed"
n=$(python3 -c "import json; print(len(json.load(open('$T/seed.jsonl'))['sentences']))")
expect_eq "seed article sentences" "$n" 16
exit 0
