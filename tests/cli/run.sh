#!/bin/sh
# Runs every CLI test script tests/cli/t_*.sh against $DATELINE (the binary
# under test), each in a fresh temporary folder ($T), and ends with
# "cli: N passed, N failed, N skipped".  A script exits 0 (pass), 77 (skip:
# e.g. ../shared is not beside the repository) or anything else (fail).
#
# Scripts get: $DATELINE, $ROOT (the repository), $SHARED (../shared, may be
# missing), $T (scratch), $DATELINE_SAN=1 under the sanitizer build, and the
# helpers of tests/cli/lib.sh.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ROOT DATELINE
export SHARED="$ROOT/../shared"
pass=0 fail=0 skip=0
only=${TESTS:-}
for t in "$ROOT"/tests/cli/t_*.sh; do
    name=$(basename "$t" .sh)
    if [ -n "$only" ] && ! echo "$name" | grep -q "$only"; then continue; fi
    T=$(mktemp -d /tmp/dateline-test.XXXXXX)
    export T
    start=$(date +%s)
    sh "$t" > "$T.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
    0) pass=$((pass + 1)); echo "ok    $name (${secs}s)"; grep '^MEASURE' "$T.log" ;;
    77) skip=$((skip + 1)); echo "skip  $name: $(tail -1 "$T.log")" ;;
    *) fail=$((fail + 1)); echo "FAIL  $name (exit $rc)"; tail -40 "$T.log" ;;
    esac
    rm -rf "$T" "$T.log"
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
