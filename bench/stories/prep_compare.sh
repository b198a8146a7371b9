#!/bin/sh
# Proves that the workers' dedup/story step (dl_artprep_run, src/story/prep.c)
# of this tree computes exactly what another revision computes (default:
# main): both are built (the other from `git archive` into $TMP), run over
# the inputs with bench/stories/prep_bench.c in dump mode (per article: the
# sig and bi hash arrays and the raw terms -- term, surface, weight, order --
# as counts and XXH64 digests), and the dumps are compared.  Then both are
# timed (prep_bench time, A/B alternated, medians of all passes).
#   sh bench/stories/prep_compare.sh [REV] [INPUT.jsonl...]
# Defaults: main, /tmp/dateline-bench/stories/distinct.jsonl and /tmp/c12k.jsonl
# (when present).  RUNS=0 skips the timing.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REV=${1:-main}
[ $# -gt 0 ] && shift
INPUTS="$*"
[ -n "$INPUTS" ] || for f in /tmp/dateline-bench/stories/distinct.jsonl /tmp/c12k.jsonl; do
    [ -f $f ] && INPUTS="$INPUTS $f"
done
TMP=${TMP:-/tmp/prep-compare}
RUNS=${RUNS:-3}
rm -rf $TMP && mkdir -p $TMP/other
git -C $ROOT archive $REV | tar -x -C $TMP/other
cp $ROOT/bench/stories/prep_bench.c $ROOT/bench/stories/prep.mk $TMP/other/bench/stories/
make -s -C $TMP/other -j2 build/libdateline.a
make -s -f $TMP/other/bench/stories/prep.mk OUT=$TMP/old
make -s -C $ROOT -j2 build/libdateline.a
make -s -f $ROOT/bench/stories/prep.mk OUT=$TMP/new
fail=0
for f in $INPUTS; do
    $TMP/old dump $f > $TMP/old.dump
    $TMP/new dump $f > $TMP/new.dump
    if cmp -s $TMP/old.dump $TMP/new.dump; then
        echo "same: $f ($(tail -1 $TMP/new.dump))"
    else
        echo "DIFFERENT: $f"; diff $TMP/old.dump $TMP/new.dump | head -5; fail=1
    fi
done
[ "$RUNS" -gt 0 ] || exit $fail
set -- $INPUTS
for r in $(seq 1 $RUNS); do
    $TMP/old time 3 $1 | grep '^pass' >> $TMP/old.time
    $TMP/new time 3 $1 | grep '^pass' >> $TMP/new.time
done
for v in old new; do
    med() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
    label=$REV; [ $v = new ] && label="this tree"
    echo "$label: dl_artprep_run median $(awk '{print $4}' $TMP/$v.time | med) s CPU" \
         "per pass over $1 (cold first passes: $(grep '^pass 1:' $TMP/$v.time | awk '{print $4}' | tr '\n' ' '))," \
         "dl_tokenize alone $(awk '{print $8}' $TMP/$v.time | med) s"
done
exit $fail
