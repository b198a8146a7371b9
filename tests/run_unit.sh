#!/bin/sh
# Runs every unit-test binary in the folder $1 (cmocka suites), each in its
# own process, and ends with one line "unit: N passed, N failed".
dir=$1
pass=0 fail=0
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    if "$t" > "$t.log" 2>&1; then
        pass=$((pass + 1))
        printf 'ok    %s\n' "$(basename "$t")"
    else
        fail=$((fail + 1))
        printf 'FAIL  %s\n' "$(basename "$t")"
        cat "$t.log"
    fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
