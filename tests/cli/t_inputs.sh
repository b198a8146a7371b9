# input forms: .gz and .zst of both forms, - for JSONL (and one plain
# article) on standard input, folders, and analyze as a pure filter.
. "$ROOT/tests/cli/lib.sh"
mkdir -p $T/in
printf ' date 2019-07-10 Plain, gzipped.' | gzip > $T/in/a.txt.gz
printf ' date 2019-07-10 Plain, zstd.' | zstd -q > $T/in/b.txt.zst
printf '{"date":"2019-07-11","text":"JSONL gz 1"}\n{"date":"2019-07-11","text":"JSONL gz 2"}\n' | gzip > $T/in/c.jsonl.gz
printf '{"date":"2019-07-11","text":"JSONL zst"}\nnot json\n' | zstd -q > $T/in/d.jsonl.zst
printf 'garbage that is not gzip' > $T/in/e.txt.gz
run $DATELINE ingest --archive $T/a --json $T/in
expect_eq "exit" $rc 1
python3 -c "import json; c=json.load(open('$T/out')); assert c['added']==5 and c['rejected']==2, c" || fail "counts: $(cat $T/out) $(cat $T/err)"
grep -q 'd.jsonl.zst:2: malformed JSON' $T/err || fail "zst line numbers: $(cat $T/err)"
grep -q 'e.txt.gz' $T/err || fail "bad gzip not reported"

printf '{"date":"2019-07-12","text":"From stdin"}\n' | $DATELINE ingest --archive $T/a --json - > $T/out 2>$T/err
python3 -c "import json; c=json.load(open('$T/out')); assert c['added']==1, c" || fail "stdin: $(cat $T/out)"
printf ' date 2019-07-12 One plain article on stdin.' | $DATELINE analyze - > $T/out
python3 -c "import json; a=json.loads(open('$T/out').read()); assert a['text']=='One plain article on stdin.' and a['source']=='-', a" || fail "plain stdin"

# analyze: one line per article, input order, a pure filter
printf '{"id":"x1","date":"2019-07-10","text":"First."}\n{"id":"x2","date":"2019-07-10","text":"Second."}\n' |
    $DATELINE analyze - > $T/out
expect_eq "analyze lines" "$(wc -l < $T/out)" 2
expect_eq "analyze order" "$(python3 -c "import json; print(' '.join(json.loads(l)['id'] for l in open('$T/out')))")" "x1 x2"
