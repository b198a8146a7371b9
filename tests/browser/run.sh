#!/bin/sh
# Runs the browser test: installs playwright-core (npm, once), ingests
# ../shared/corpus into a scratch archive, starts `dateline serve` on a free
# loopback port and drives the page in headless Chromium (/usr/bin/chromium,
# Debian's `chromium` package).  Screenshots go to tests/out/.
#   sh tests/browser/run.sh [DATELINE]     exit 0 pass, 1 fail, 77 skip
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATELINE=${1:-${DATELINE:-$ROOT/dateline}}
SHARED=${SHARED:-$ROOT/../shared}
OUT=${OUT:-$ROOT/tests/out}
[ -x /usr/bin/chromium ] || { echo "no /usr/bin/chromium (apt-get install chromium)"; exit 77; }
command -v node > /dev/null || { echo "no node"; exit 77; }
[ -d "$SHARED/corpus" ] || { echo "no $SHARED/corpus"; exit 77; }
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
    (cd "$HERE" && npm install --no-audit --no-fund --silent) ||
        { echo "npm install failed"; exit 77; }
fi
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
W=$(mktemp -d /tmp/dateline-browser.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$W"' EXIT
"$DATELINE" ingest --quiet --archive "$W/archive" "$SHARED/corpus" > "$W/ingest.out" 2> "$W/ingest.err"
[ $? -le 1 ] || { cat "$W/ingest.err"; echo "ingest failed"; exit 1; }
"$DATELINE" serve --quiet --archive "$W/archive" --port 0 2> "$W/serve.log" &
PID=$!
i=0
while ! grep -q 'serving .* on http://' "$W/serve.log"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { cat "$W/serve.log"; echo "the server did not start"; exit 1; }
    sleep 0.1
done
PORT=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$W/serve.log" | head -1)
mkdir -p "$OUT"
BASE="http://127.0.0.1:$PORT" OUT="$OUT" node "$HERE/page.test.js"
rc=$?
kill -TERM $PID
wait $PID || { echo "the server did not stop cleanly"; cat "$W/serve.log"; rc=1; }
PID=
exit $rc
