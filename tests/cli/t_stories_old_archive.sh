# An archive written before the dedup and story tables existed, opened
# read-only: stories, dups and timeline answer with empty results, exit 0.
. "$ROOT/tests/cli/lib.sh"
command -v sqlite3 > /dev/null || skip "no sqlite3 shell"
mkdir -p "$T/in"
printf 'date 2024-03-05 The harbour authority said on Tuesday that the container terminal would stay closed until the union and the operators agree.' > "$T/in/a.txt"
"$DATELINE" ingest --quiet --archive "$T/a" "$T/in" > /dev/null || fail "ingest"
sqlite3 "$T/a/archive.db" "DROP TABLE stories; DROP TABLE story_df; DROP TABLE story_keys;
  DROP TABLE dup_pairs; DROP TABLE dup_sigs; DROP TABLE dup_keys; DROP INDEX articles_story;
  ALTER TABLE articles DROP COLUMN story;" || fail "could not age the archive"
chmod a-w "$T/a" "$T/a/archive.db"
run "$DATELINE" stories --archive "$T/a" --json
expect_eq "stories exit" "$rc" 0
expect_eq "stories" "$(cat "$T/out")" '{"stories": []}'
run "$DATELINE" dups --archive "$T/a" --json
expect_eq "dups exit" "$rc" 0
expect_eq "dups" "$(cat "$T/out")" ''
run "$DATELINE" timeline --archive "$T/a" --json harbour
expect_eq "timeline exit" "$rc" 0
grep -q '"date": "2024-03-05"' "$T/out" || fail "timeline lost the article: $(cat "$T/out")"
chmod u+w "$T/a" "$T/a/archive.db"
