# Helpers for tests/cli/t_*.sh (sourced).  Every helper fails the script
# with a message that says what was expected.
set -u
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
need_shared() { [ -d "$SHARED/$1" ] || skip "no $SHARED/$1"; }
# expect_eq WHAT GOT WANT
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# expect_ge WHAT GOT MIN  (decimal numbers)
expect_ge() { python3 -c "import sys; sys.exit(0 if float('$2') >= float('$3') else 1)" || fail "$1: $2 < $3"; }
# run CMD...: runs and records exit status in $rc, stdout in $T/out, stderr in $T/err
run() { "$@" > "$T/out" 2> "$T/err"; rc=$?; }
# result FILE KEY: the value of KEY in the scorer's final "RESULT k=v ..." line
result() { grep '^RESULT' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
