# A syndicated copy made at test time (other lede, clutter, curly quotes,
# British spelling, truncation) is found; an unrelated article is not.
. "$ROOT/tests/cli/lib.sh"
mkdir -p "$T/in"
body="The harbour authority said on Tuesday that the container terminal would stay closed until the dockworkers' union and the port operators agree on a new contract. Negotiations broke down late on Monday after the operators rejected a demand for a seven percent raise over two years. About forty ships are waiting outside the breakwater, and shipping lines have begun to divert cargo to other ports along the coast. Mayor Ellen Brandt urged both sides to return to the table. The union's spokesman said members were prepared to stay out for as long as it takes."
printf 'date 2024-03-05 %s' "$body" > "$T/in/a.txt"
copy=$(printf '%s' "$body" | sed "s/harbour/harbor/; s/union's/union’s/; s/ for as long as it takes.//")
printf 'date 2024-03-05 Share Facebook\n\nPORT CITY (Wire) - A strike shut the port.\n\n%s' "$copy" > "$T/in/b.txt"
printf 'date 2024-03-06 The city council voted on Wednesday to extend the opening hours of public libraries, citing record demand from students during the exam season and a surplus in the culture budget this year.' > "$T/in/c.txt"
run "$DATELINE" ingest --json --archive "$T/a" "$T/in"
expect_eq "ingest" "$(cat "$T/out")" '{"added": 3, "present": 0, "near_duplicates": 1, "rejected": 0}'
run "$DATELINE" dups --archive "$T/a" --json
expect_eq "pairs" "$(wc -l < "$T/out" | tr -d ' ')" 1
# the copy is stored and linked, not indexed as new content twice: a search
# for words both hold finds the original alone
run "$DATELINE" dups --archive "$T/a" --json
orig=$(sed 's/.*"a": *"\([^"]*\)".*/\1/' "$T/out")
run "$DATELINE" search --archive "$T/a" --json "breakwater shipping lines"
expect_eq "search total" "$(grep -o '"total": *[0-9]*' "$T/out" | tr -d ' ')" '"total":1'
expect_eq "search finds the original" "$(grep -o '"id": *"[^"]*"' "$T/out" | sed 's/.*"\([^"]*\)"$/\1/')" "$orig"
# nor are its quotes and entity mentions counted twice
run "$DATELINE" entities --archive "$T/a" --json Brandt
expect_eq "entity counted once" "$(grep -o '"articles": *[0-9]*' "$T/out" | tr -d ' ')" '"articles":1'
expect_eq "no quote rows for the copy" "$(sqlite3 "$T/a/archive.db" "SELECT count(*) FROM quotes WHERE docno IN (SELECT docno FROM articles WHERE dup_of IS NOT NULL)")" 0
expect_eq "the day's count holds the original alone" "$(sqlite3 "$T/a/archive.db" "SELECT articles FROM entity_days WHERE name = 'Ellen Brandt' AND day = (SELECT day FROM articles WHERE id = '$orig')")" 1
