# Timelines on timeline17 (dev), news-tls protocol: AR1-F, AR2-F and Date-F1
# at the targets (the news-tls DATEWISE figures 0.120 / 0.035 / 0.544).
. "$ROOT/tests/cli/lib.sh"
need_shared gold/timeline17
python3 "$SHARED/eval/run_timeline.py" --tasks "$SHARED/gold/timeline17" --out "$T/tl" --dateline "$DATELINE" > /dev/null || fail "run_timeline failed"
python3 "$SHARED/eval/score_timeline.py" --tasks "$SHARED/gold/timeline17" --system-dir "$T/tl" > "$T/score"
echo "MEASURE timeline ar1_f=$(result "$T/score" ar1_f) ar2_f=$(result "$T/score" ar2_f) date_f1=$(result "$T/score" date_f1) (targets 0.120/0.035/0.544)"
expect_ge "AR1-F (target)" "$(result "$T/score" ar1_f)" 0.120
expect_ge "AR2-F (target)" "$(result "$T/score" ar2_f)" 0.035
expect_ge "Date-F1 (target)" "$(result "$T/score" date_f1)" 0.544
python3 -c "import json,sys; d=json.load(open('$T/tl/mj-bbc.json')); assert d['timeline'] and all(l['id'] for e in d['timeline'] for l in e['lines'])" || fail "timeline lines lack ids"
