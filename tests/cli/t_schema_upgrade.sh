# Entity counts live in entity_days (schema 2), one row per name, day and
# type.  Counts: an article counts once per name however often it names it.
# A schema-1 archive (one entities row per article and name) is refused
# read-only with a message that says how to upgrade it, and upgraded by a
# writer (`dateline optimize`) to the same counts, a copy's rows left out.
. "$ROOT/tests/cli/lib.sh"
command -v sqlite3 > /dev/null || skip "no sqlite3 shell"
mkdir -p "$T/in"
printf 'date 2024-03-05 Mayor Ellen Brandt urged the dockworkers and the port operators to return to the table on Tuesday. Brandt said the strike was costing the city dearly.' > "$T/in/a.txt"
printf 'date 2024-03-05 The city council met in an emergency session on Tuesday evening, where Mayor Ellen Brandt presented a plan to reopen the container terminal.' > "$T/in/b.txt"
printf 'date 2024-03-07 Shipping resumed at the port on Thursday morning after Mayor Ellen Brandt announced that the union had accepted the new contract offer.' > "$T/in/c.txt"
run "$DATELINE" ingest --quiet --archive "$T/a" "$T/in"
expect_eq "ingest" "$rc" 0
counts() { "$DATELINE" entities --archive "$T/a" --json Brandt | grep -o '"mentions": *[0-9]*, *"articles": *[0-9]*' | tr -d ' '; }
want=$(counts)
# the mentions, and three articles on two days
expect_eq "articles" "$(echo "$want" | sed 's/.*"articles"://')" 3
expect_eq "rows: one per day" "$(sqlite3 "$T/a/archive.db" "SELECT group_concat(articles, ',') FROM (SELECT articles FROM entity_days WHERE name = 'Ellen Brandt' ORDER BY day)")" "2,1"
run "$DATELINE" entities --archive "$T/a" --json --from 2024-03-06 Brandt
expect_eq "ranged" "$(grep -o '"articles": *[0-9]*' "$T/out" | tr -d ' ')" '"articles":1'
# age it to schema 1: one row per article (mentions = its docno, to tell them
# apart), and a row for a near-duplicate copy that must not count
sqlite3 "$T/a/archive.db" "
  CREATE TABLE entities(docno INTEGER NOT NULL, day INTEGER NOT NULL, name TEXT NOT NULL,
    type TEXT NOT NULL, mentions INTEGER NOT NULL);
  CREATE INDEX entities_name ON entities(name, day);
  CREATE INDEX quotes_doc ON quotes(docno);
  INSERT INTO entities SELECT docno, day, 'Ellen Brandt', 'PERSON', docno FROM articles;
  INSERT INTO articles(docno, id, day, date, text, dup_of) SELECT 99, 'copy', day, date, text, docno
    FROM articles WHERE docno = (SELECT min(docno) FROM articles);
  INSERT INTO entities SELECT 99, day, 'Ellen Brandt', 'PERSON', 5 FROM articles WHERE docno = 99;
  DROP TABLE entity_days;
  UPDATE meta SET value = 1 WHERE key = 'schema';" || fail "could not age the archive"
run "$DATELINE" entities --archive "$T/a" --json Brandt
[ "$rc" != 0 ] || fail "a schema-1 archive was read as schema 2"
grep -q "schema 1.*upgrades it" "$T/err" || fail "no upgrade advice: $(cat "$T/err")"
run "$DATELINE" optimize --archive "$T/a"
expect_eq "optimize upgrades" "$rc" 0
expect_eq "schema" "$(sqlite3 "$T/a/archive.db" "SELECT value FROM meta WHERE key = 'schema'")" 2
expect_eq "old table gone" "$(sqlite3 "$T/a/archive.db" "SELECT count(*) FROM sqlite_master WHERE name IN ('entities', 'quotes_doc')")" 0
# mentions: docnos 1 + 2 + 3 as set above; the copy (99) is left out
expect_eq "counts after the upgrade" "$(counts)" '"mentions":6,"articles":3'
