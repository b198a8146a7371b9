#!/bin/sh
# The README's first command ends here: ingest the bundled example articles
# into a fresh archive and show what dateline makes of them.
set -e
cd "$(dirname "$0")/.."
A=${DEMO_ARCHIVE:-demo.dateline}
rm -rf "$A"
echo "== dateline ingest --archive $A examples/plain examples/feed.jsonl"
./dateline ingest --archive "$A" examples/plain examples/feed.jsonl
echo
echo "== dateline stats --archive $A"
./dateline stats --archive "$A"
echo
id=$(./dateline analyze examples/plain/2024-03-06-northmouth-talks-collapse.txt |
     sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p')
echo "== dateline show --archive $A $id"
./dateline show --archive "$A" "$id"
