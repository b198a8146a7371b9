# every command of SPEC 3 exists and teaches with --help (exit 0).
. "$ROOT/tests/cli/lib.sh"
for c in ingest stats analyze search show quotes entities dups stories timeline summarize serve; do
    run $DATELINE $c --help
    expect_eq "$c --help exit" $rc 0
    grep -q "usage: dateline $c" $T/out || fail "$c --help: $(cat $T/out)"
    grep -q -- "--archive" $T/out || fail "$c --help does not mention --archive"
done
run $DATELINE --help
expect_eq "--help" $rc 0
run $DATELINE
expect_eq "no command" $rc 2
run $DATELINE --version
grep -q '^dateline [0-9]' $T/out || fail "version"
