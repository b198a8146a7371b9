# t_entities_accuracy.sh -- entity accuracy on the CoNLL-2003 dev part
# (../shared/gold/conll, dev-* articles only: the model is trained on the
# train-* ones) must reach F1 >= 0.90 (PERSON/ORG/PLACE, exact spans), and
# the seed article must come out with its people linked ("Sir Kim" with
# "Sir Kim Darroch", "Mr Johnson" with "Boris Johnson").
. "$ROOT/tests/cli/lib.sh"
need_shared gold/conll
run "$DATELINE" analyze "$SHARED"/gold/conll/input/dev-*.txt
expect_eq "analyze exit status" "$rc" 0
mv "$T/out" "$T/dev.jsonl"
grep '"id": "dev-' "$SHARED/gold/conll/gold.jsonl" > "$T/gold_dev.jsonl"
python3 "$SHARED/eval/score_entities.py" "$T/gold_dev.jsonl" "$T/dev.jsonl" > "$T/score" ||
    fail "scorer failed: $(cat "$T/score")"
f1=$(result "$T/score" f1)
echo "MEASURE conll dev entity F1 $f1 (P $(result "$T/score" p), R $(result "$T/score" r))"
expect_ge "conll dev entity F1" "$f1" 0.90

[ -d "$SHARED/seed" ] || exit 0
run "$DATELINE" analyze "$SHARED"/seed/*.txt
expect_eq "seed analyze exit status" "$rc" 0
python3 - "$T/out" <<'PY' || fail "seed article entities"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
t = d["text"].encode()
ents = {e["name"]: e for e in d["entities"]}
def forms(name):
    return [t[a:b].decode() for a, b in ents[name]["mentions"]]
for name in ("Theresa May", "Sir Kim Darroch", "Boris Johnson", "Sir Alan Duncan",
             "Sir Michael Fallon"):
    assert name in ents and ents[name]["type"] == "PERSON", ("missing", name, sorted(ents))
assert "Kim" in forms("Sir Kim Darroch"), forms("Sir Kim Darroch")
assert "Johnson" in forms("Boris Johnson"), forms("Boris Johnson")
assert not any(e["name"] in ("Mr", "Sir", "Kim") for e in d["entities"])
PY
