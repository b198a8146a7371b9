# every bad record kind of SPEC 1 is rejected alone, named FILE:LINE: REASON,
# while the good records of the same input are all taken.
. "$ROOT/tests/cli/lib.sh"
mkdir -p $T/in/sub $T/in/.hidden
printf ' date 2019-07-10 Good plain one.' > $T/in/good.txt
printf 'date 2019-07-11\nGood plain two,\nheader on its own line.\n' > $T/in/sub/good2.txt
printf ' date 2019-07-10 hidden, never read' > $T/in/.hidden/h.txt
printf ' date 2019-07-10 hidden file' > $T/in/.dotfile.txt
printf 'Just text, no header.' > $T/in/noheader.txt
printf ' date 2019-02-30 Impossible day.' > $T/in/baddate.txt
printf ' date 2019-07-10   \n\n' > $T/in/empty.txt
printf ' date 2019-07-10 line one\nline two \377 bad\n' > $T/in/badutf8.txt
printf ' date 2019-07-10 nul \000 inside' > $T/in/nul.txt
head -c 17000000 /dev/zero | tr '\0' 'a' | sed '1s/^/ date 2019-07-10 /' > $T/in/huge.txt
cat > $T/in/feed.jsonl <<'J'
{"date": "2019-07-12", "text": "Good JSON one."}
{"date": "2019-07-12", "text": "broken
not json at all

{"text": "no date"}
{"date": "2019-13-01", "text": "bad month"}
{"date": "2019-07-12", "text": "  "}
{"date": "2019-07-12", "text": "nul \u0000 escaped"}
{"date": "2019-07-12T08:00:00Z", "text": "Good JSON two, with a date-time.", "id": "j2"}
J
printf '{"date": "2019-07-12", "text": "bad \377 utf8"}\n' >> $T/in/feed.jsonl
printf '{"date": "2019-07-13", "text": "Good JSON three, no final newline."}' >> $T/in/feed.jsonl
run $DATELINE ingest --archive $T/a --json $T/in $T/does-not-exist
expect_eq "exit (some rejected)" $rc 1
cat $T/err
python3 -c "import json; c=json.load(open('$T/out')); assert c['added']==5 and c['rejected']==14, c" || fail "counts: $(cat $T/out)"
for want in "noheader.txt:1: no header" "baddate.txt:1: impossible date" "empty.txt:1: empty text" \
    "badutf8.txt:2: invalid UTF-8" "nul.txt:1: NUL byte" "huge.txt:1: record over the size limit" \
    "feed.jsonl:2: malformed JSON" "feed.jsonl:3: malformed JSON" "feed.jsonl:5: no date" \
    "feed.jsonl:6: impossible date" "feed.jsonl:7: empty text" "feed.jsonl:8: malformed JSON" \
    "feed.jsonl:10: malformed JSON" "does-not-exist: No such file"; do
    grep -qF "$want" $T/err || fail "stderr lacks '$want'"
done
grep -q hidden $T/err && fail "hidden files were read"
run $DATELINE stats --archive $T/a --json
python3 -c "import json; s=json.load(open('$T/out')); assert s['articles']==5, s" || fail "stored: $(cat $T/out)"
# usage errors are exit 2
run $DATELINE ingest --archive $T/a
expect_eq "ingest without paths" $rc 2
run $DATELINE stats --bogus
expect_eq "unknown option" $rc 2
run $DATELINE nosuchcommand
expect_eq "unknown command" $rc 2
run $DATELINE search x --from 2019-02-30
expect_eq "bad date option" $rc 2
# an archive that cannot be created is exit 3
printf x > $T/file
run $DATELINE ingest --archive $T/file $T/in/good.txt
expect_eq "archive is a file" $rc 3
