#!/bin/sh
# The README's first command ends here: ingest the bundled example articles
# into a fresh archive and show what dateline makes of them.
set -e
cd "$(dirname "$0")/.."
A=${DEMO_ARCHIVE:-demo.dateline}
rm -rf "$A"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
say "dateline ingest --archive $A examples/plain examples/feed.jsonl"
./dateline ingest --archive "$A" examples/plain examples/feed.jsonl
say "dateline stats --archive $A"
./dateline stats --archive "$A"
say "dateline timeline --archive $A \"port strike\" --dates 6 --per-date 1"
./dateline timeline --archive "$A" "port strike" --dates 6 --per-date 1
say "dateline quotes --archive $A --speaker \"Daniel Hart\""
./dateline quotes --archive "$A" --speaker "Daniel Hart"
say "dateline search --archive $A '\"port authority\" automation' -n 3"
./dateline search --archive "$A" '"port authority" automation' -n 3
id=$(./dateline analyze examples/plain/2024-03-06-northmouth-talks-collapse.txt |
     sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p')
say "dateline show --archive $A $id"
./dateline show --archive "$A" "$id"
printf '\nNext: ./dateline serve --archive %s  (then open http://127.0.0.1:8080/)\n' "$A"
