# TempEval-3 Task A on the dev set (TimeBank + AQUAINT, ../shared/gold/tempeval3):
# the time tagger must keep value F1 and strict extent F1 at or above their
# floors, and the seed article must give its four times.
# The targets are value F1 >= 0.85 and strict F1 >= 0.85.  Both are
# met: value F1 0.851 after the seventh round (from 0.843, 0.832, 0.816,
# 0.815, 0.811 and 0.791 before), strict 0.902.  Most remaining errors are
# annotation disagreements (tools/timex_errors.py lists them).  The floors
# sit just below the levels reached, as regression guards: raise them when
# the tagger improves.
. "$ROOT/tests/cli/lib.sh"
need_shared gold/tempeval3
[ -f "$SHARED/eval/score_times.py" ] || skip "no score_times.py"
"$DATELINE" analyze "$SHARED/gold/tempeval3/input" > "$T/te3.jsonl" || fail "analyze failed"
python3 "$SHARED/eval/score_times.py" "$SHARED/gold/tempeval3/gold.jsonl" "$T/te3.jsonl" \
    > "$T/score" || fail "scorer failed"
v=$(result "$T/score" value_f1)
s=$(result "$T/score" strict_f1)
r=$(result "$T/score" relaxed_f1)
echo "MEASURE tempeval3 value_f1=$v strict_f1=$s relaxed_f1=$r"
expect_ge "tempeval3 value F1" "$v" "${TIMEX_MIN_VALUE_F1:-0.850}"
expect_ge "tempeval3 strict F1" "$s" "${TIMEX_MIN_STRICT_F1:-0.900}"

# the seed article: Monday, Tuesday night (twice), Wednesday afternoon
seed="$SHARED/seed/darroch-2019-07-10.txt"
if [ -f "$seed" ]; then
    "$DATELINE" analyze "$seed" > "$T/seed.jsonl" || fail "analyze seed failed"
    got=$(python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
print(";".join(t["text"] + "=" + t["value"] for t in o["times"]
               if not t["value"].endswith("_REF")))' "$T/seed.jsonl")
    expect_eq "seed times" "$got" \
        "Monday=2019-07-08;Tuesday night=2019-07-09TNI;Wednesday afternoon=2019-07-10TAF;Tuesday night=2019-07-09TNI"
fi
exit 0
