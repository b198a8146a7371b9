#!/bin/sh
# Load on `dateline serve`: wrk (Debian) with 64 connections against
# /api/search and /api/timeline over ../shared/corpus scaled to N articles
# (default 100,000; bench/make_corpus.py repeats it with fresh ids).
# Prints, per endpoint (and, as the peer, an embedded static file: the HTTP
# layer alone): requests/s, p50 and p99 latency, errors (non-2xx,
# socket errors, timeouts), and the server's resident memory before and
# after the load (VmRSS, and VmHWM: its peak).
#   sh bench/serve/run.sh            N=100000 DUR=20 CONNS=64 THREADS=2
#   REBUILD=1 ...                    re-ingests the archive
#   ENDPOINTS="timeline"             only some endpoints
#   DATELINE_SERVE_CACHE=0 ...       with the answer cache off
# The archive is built once under $OUT (default /tmp/dateline-bench-serve)
# and reused while it holds N articles or more.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-100000}
DUR=${DUR:-20}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
ENDPOINTS=${ENDPOINTS:-search timeline}
OUT=${OUT:-/tmp/dateline-bench-serve}
DL=$ROOT/dateline
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
command -v wrk > /dev/null || { echo "no wrk (apt-get install wrk)"; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
mkdir -p "$OUT"
CORPUS=$OUT/corpus-$N.jsonl
[ -s "$CORPUS" ] || $PY "$ROOT/bench/make_corpus.py" "$ROOT/../shared/corpus" "$N" "$CORPUS"
have=$("$DL" stats --archive "$OUT/archive" --json 2> /dev/null |
       $PY -c "import json,sys; print(json.load(sys.stdin)['articles'])" 2> /dev/null || echo 0)
if [ "${REBUILD:-0}" = 1 ] || [ "$have" -lt "$N" ]; then
    rm -rf "$OUT/archive"
    s=$(date +%s)
    "$DL" ingest --quiet --archive "$OUT/archive" "$CORPUS" > /dev/null
    echo "ingest: $N articles in $(( $(date +%s) - s )) s"
fi

"$DL" serve --quiet --archive "$OUT/archive" --port 0 2> "$OUT/serve.log" &
PID=$!
trap 'kill $PID 2> /dev/null' EXIT
i=0
while ! grep -q 'serving .* on http://' "$OUT/serve.log"; do
    i=$((i + 1)); [ $i -gt 100 ] && { cat "$OUT/serve.log"; exit 1; }; sleep 0.1
done
PORT=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$OUT/serve.log" | head -1)
B=http://127.0.0.1:$PORT
mem() { awk -v k="$1" '$1 == k":" {printf "%.1f MB", $2 / 1024}' /proc/$PID/status; }

# the queries: topics of the corpus and a few words that match nothing
cat > "$OUT/queries.txt" <<'Q'
darroch
hong kong protesters
greta thunberg
boeing 737 max
brexit deal
notre dame fire
titanic submersible
djokovic visa
"sam altman"
iran tanker
christchurch
bushfires australia
ghosn escape
baltimore bridge
chandrayaan moon
trump ambassador
climate -greta
virus OR pandemic
zzzyzzx
the
Q
make_lua() { # make_lua PATH_PREFIX EXTRA > file: rotates over the queries
    echo "local paths = {"
    while IFS= read -r q; do
        enc=$($PY -c "import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))" "$q")
        echo "  \"$1?q=$enc$2\","
    done < "$OUT/queries.txt"
    echo "}"
    echo "local i = 0"
    echo "request = function() i = i + 1; return wrk.format('GET', paths[(i % #paths) + 1]) end"
}
make_lua /api/search "&n=10" > "$OUT/search.lua"
# the peer: the HTTP layer alone (an embedded static file, no archive work)
printf 'request = function() return wrk.format("GET", "/icon.svg") end\n' > "$OUT/static.lua"
make_lua /api/timeline "" > "$OUT/timeline.lua"

# every request once, by hand: all must answer 200 before the load
for f in $ENDPOINTS; do
    sed -n 's/^  "\(.*\)",$/\1/p' "$OUT/$f.lua" | while IFS= read -r p; do
        c=$(curl -s -o /dev/null -w '%{http_code}' "$B$p")
        [ "$c" = 200 ] || { echo "warm-up: $p answered $c"; exit 1; }
    done
done

echo "archive: $("$DL" stats --archive "$OUT/archive" --json)"
echo "server: pid $PID, $(nproc) CPUs; wrk -t$THREADS -c$CONNS -d${DUR}s, $(wc -l < "$OUT/queries.txt") queries in rotation"
echo "memory before: VmRSS $(mem VmRSS)"
printf '%-14s %10s %10s %10s %10s %s\n' endpoint req/s p50 p99 requests errors
for f in $ENDPOINTS static; do
    wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --timeout 30s --latency -s "$OUT/$f.lua" "$B" > "$OUT/wrk-$f.txt"
    $PY - "$OUT/wrk-$f.txt" "$f" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def num(pat, default="0"):
    m = re.search(pat, t)
    return m.group(1) if m else default
rps = num(r"Requests/sec:\s+([\d.]+)")
p50 = num(r"\n\s+50%\s+(\S+)", "?")
p99 = num(r"\n\s+99%\s+(\S+)", "?")
reqs = num(r"(\d+) requests in")
non2xx = int(num(r"Non-2xx or 3xx responses: (\d+)"))
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
serr = sum(map(int, sock.groups())) if sock else 0
name = "/icon.svg" if sys.argv[2] == "static" else "/api/" + sys.argv[2]
print(f"{name:<14} {rps:>10} {p50:>10} {p99:>10} {reqs:>10} {non2xx + serr} "
      f"(non-2xx {non2xx}, socket {serr})")
PY
done
echo "memory after: VmRSS $(mem VmRSS), peak VmHWM $(mem VmHWM)"
kill -TERM $PID
wait $PID 2> /dev/null || true
trap - EXIT
