#!/bin/sh
# Replays the committed corpus of every fuzz target: fuzz/corpus/NAME/* through
# the replay build $1/fuzz_NAME.  Ends with "fuzz-replay: N passed, N failed".
dir=$1
pass=0 fail=0
for bin in "$dir"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin" | sed 's/^fuzz_//')
    corpus=fuzz/corpus/$name
    [ -d "$corpus" ] || { echo "FAIL  fuzz_$name: no corpus in $corpus"; fail=$((fail + 1)); continue; }
    if out=$("$bin" "$corpus"/* 2>&1); then
        pass=$((pass + 1)); echo "ok    fuzz_$name ($out)"
    else
        fail=$((fail + 1)); echo "FAIL  fuzz_$name"; echo "$out" | tail -30
    fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
