# `dateline serve`: the HTTP API of SPEC 5 on a free loopback port, over an
# archive filled through POST /api/articles with invented articles.  Checks
# every endpoint's answer, the errors of malformed requests (bad JSON,
# invalid UTF-8, NUL bytes, huge bodies, path traversal, unknown methods,
# over-long URLs), that the server keeps serving after them, the access log,
# and a graceful stop on SIGTERM with an ingest in flight.
. "$ROOT/tests/cli/lib.sh"
command -v curl > /dev/null || skip "no curl"
# the system python starts in 0.03 s; a version-manager shim can take 1 s
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
A="$T/archive"
LOG="$T/serve.log"
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2> /dev/null; }
trap cleanup EXIT

start_server() {
    : > "$LOG"
    "$DATELINE" serve --archive "$A" --port 0 2> "$LOG" &
    PID=$!
    i=0
    while ! grep -q 'serving .* on http://' "$LOG"; do
        i=$((i + 1))
        [ $i -gt 200 ] && { cat "$LOG"; fail "the server did not start in 20 s"; }
        kill -0 "$PID" 2> /dev/null || { cat "$LOG"; fail "the server died at start"; }
        sleep 0.1
    done
    PORT=$(sed -n 's|.*serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$LOG" | head -1)
    [ -n "$PORT" ] || fail "no port in: $(cat "$LOG")"
    B="http://127.0.0.1:$PORT"
}

# req METHOD PATH [curl args...]: status in $code, body in $T/body
req() {
    m=$1; p=$2; shift 2
    code=$(curl -s -g --max-time 60 -X "$m" -o "$T/body" -w '%{http_code}' "$@" "$B$p")
}
# jget EXPR: evaluates a Python expression on the JSON body (as j)
jget() { $PY -c "import json,sys; j=json.load(open('$T/body')); print($1)"; }
expect_error_json() { # the body is {"error": "..."} with a non-empty message
    jget "1 if isinstance(j.get('error'), str) and j['error'] else 0" > "$T/isjson" 2>/dev/null ||
        fail "$1: the error body is not JSON: $(head -c 300 "$T/body")"
    expect_eq "$1: error body" "$(cat "$T/isjson")" 1
}

start_server

# --- the page and static files
req GET /
expect_eq "GET /" "$code" 200
grep -q '<script src="/app.js"' "$T/body" || fail "GET / is not the page: $(head -c 200 "$T/body")"
code=$(curl -s -I -o "$T/body" -w '%{http_code}' "$B/")
expect_eq "HEAD /" "$code" 200
grep -qi '^Content-Type: text/html' "$T/body" || fail "HEAD / without the page's type"
req GET /app.js
expect_eq "GET /app.js" "$code" 200
[ "$(wc -c < "$T/body")" -gt 1000 ] || fail "app.js is too small"
req GET /style.css
expect_eq "GET /style.css" "$code" 200

# --- an empty archive
req GET /api/stats
expect_eq "stats on an empty archive" "$code" 200
expect_eq "stats.articles empty" "$(jget "j['articles']")" 0

# --- POST /api/articles: invented articles, one bad line among them
$PY - "$T/feed.jsonl" <<'EOF'
import json, sys
import random
towns = ["Eastmere", "Holloway Cross", "Brindlebury", "Castor Vale"]
# each article gets its own detail sentences (words drawn at random), so the
# 40 are distinct articles and not near-duplicates of one another (a copy
# would not be indexed for search a second time)
rnd = random.Random(7)
words = ("pumps sandbags volunteers levee gauge council school road bridge farm "
         "kennel bakery chapel meadow tractor ferry depot orchard mill lantern "
         "choir rugby market clinic quarry pylon bus canal hedge barn stable "
         "library garage cinema surgery brewery pier lighthouse allotment railway "
         "station harbour warehouse vicarage post-office tannery forge sawmill "
         "granary dairy paddock spinney copse weir sluice culvert towpath lock "
         "marina boathouse pavilion bandstand fountain cemetery crematorium "
         "hospice nursery playground skatepark velodrome observatory museum").split()
def details():
    return " ".join("The %s near the %s %s the %s and the %s." % tuple(rnd.sample(words, 4)[:2] +
                    [rnd.choice(["saw", "lost", "kept", "moved", "fixed"])] + rnd.sample(words, 2))
                    for _ in range(12))
out = open(sys.argv[1], "w")
for i in range(40):
    d = "2021-03-%02d" % (1 + i % 28)
    town = towns[i % 4]
    text = ("Flood barriers in %s were raised on Monday after the river rose for a "
            "third day. \"We are ready for the worst,\" said Mayor Alma Ferrante, who "
            "met engineers from the Harbour Authority. %s Article number %d of the series "
            "reported that the water fell by Friday." % (town, details(), i))
    out.write(json.dumps({"id": "flood-%02d" % i, "date": d, "text": text,
                          "title": "Floods in %s (%d)" % (town, i),
                          "url": "https://example.org/floods/%d" % i}) + "\n")
    if i == 20:
        out.write("{\"date\": \"2021-03-05\", \"text\": \n")   # malformed JSON
out.close()
EOF
req POST /api/articles --data-binary "@$T/feed.jsonl" -H 'Content-Type: application/x-ndjson'
expect_eq "POST feed" "$code" 200
expect_eq "POST added" "$(jget "j['added']")" 40
expect_eq "POST rejected" "$(jget "j['rejected']")" 1
expect_eq "POST rejected line" "$(jget "j['errors'][0]['line']")" 22
req POST /api/articles --data-binary "@$T/feed.jsonl"
expect_eq "POST again" "$code" 200
expect_eq "POST again: present" "$(jget "j['present']")" 40
expect_eq "POST again: added" "$(jget "j['added']")" 0

req GET /api/stats
expect_eq "stats.articles" "$(jget "j['articles']")" 40
expect_eq "stats.first" "$(jget "j['first']")" 2021-03-01
expect_eq "stats.last" "$(jget "j['last']")" 2021-03-28

# --- GET /api/articles/ID
req GET /api/articles/flood-07
expect_eq "article" "$code" 200
expect_eq "article.id" "$(jget "j['id']")" flood-07
expect_eq "article.date" "$(jget "j['date']")" 2021-03-08
expect_eq "article.title" "$(jget "j['title']")" "Floods in Castor Vale (7)"
expect_eq "article.url" "$(jget "j['url']")" "https://example.org/floods/7"
jget "j['text']" | grep -q '^Flood barriers in Castor Vale' || fail "article text"
for k in sentences entities quotes times; do
    expect_eq "article.$k is a list" "$(jget "type(j['$k']).__name__")" list
done
req GET /api/articles/no-such-id
expect_eq "unknown article" "$code" 404
expect_error_json "unknown article"

# --- the query endpoints answer SPEC 4 objects
req GET '/api/search?q=castor+vale&n=5'
expect_eq "search" "$code" 200
expect_eq "search.total" "$(jget "j['total']")" 10
expect_eq "search hits (n=5)" "$(jget "len(j['hits'])")" 5
expect_eq "search hits are Castor Vale" "$(jget "int(all('Castor Vale' in h['title'] for h in j['hits']))")" 1
expect_eq "search took_ms" "$(jget "int(j['took_ms'] >= 0)")" 1
req GET '/api/search?q=castor+vale&from=2021-03-10&to=2021-03-20'
expect_eq "search in a range" "$(jget "int(all('2021-03-10' <= h['date'] <= '2021-03-20' for h in j['hits']) and len(j['hits']) > 0)")" 1
req GET '/api/search?q=-flood'
expect_eq "a query that only excludes" "$code" 400
expect_error_json "a query that only excludes"
req GET '/api/mentions?q=brindlebury'
expect_eq "mentions of a query" "$code" 200
expect_eq "mentions count every match" "$(jget "sum(d['count'] for d in j['dates']) == j['total'] == 10")" True
req GET '/api/timeline?q=flood+barriers&dates=5&per_date=2'
expect_eq "timeline" "$code" 200
expect_eq "timeline.query" "$(jget "j['query']")" "flood barriers"
n=$(jget "len(j['timeline'])")
[ "$n" -ge 1 ] && [ "$n" -le 5 ] || fail "timeline: $n dates (want 1..5)"
expect_eq "timeline in date order" "$(jget "int([d['date'] for d in j['timeline']] == sorted(d['date'] for d in j['timeline']))")" 1
expect_eq "timeline lines point at stored articles" \
    "$(jget "int(all(l['id'].startswith('flood-') and l['text'] for d in j['timeline'] for l in d['lines']))")" 1
req GET '/api/timeline?q=flood&from=2021-03-10&to=2021-03-12'
expect_eq "timeline in a range" "$code" 200
expect_eq "timeline range kept" "$(jget "int(all('2021-03-10' <= d['date'] <= '2021-03-12' for d in j['timeline']))")" 1
req GET '/api/stories?q=flood'
expect_eq "stories" "$code" 200
expect_eq "stories is a list" "$(jget "type(j['stories']).__name__")" list
req GET '/api/stories?n=1'
expect_eq "stories n=1" "$(jget "int(len(j['stories']) <= 1)")" 1
req GET '/api/quotes?speaker=Alma+Ferrante&from=2021-03-01'
expect_eq "quotes" "$code" 200
expect_eq "quotes is a list" "$(jget "type(j['quotes']).__name__")" list
req GET '/api/entities?q=brindlebury'
expect_eq "entities" "$code" 200
expect_eq "entities is a list" "$(jget "type(j['entities']).__name__")" list
req GET '/api/mentions?entity=Alma+Ferrante'
expect_eq "mentions of an entity" "$code" 200
expect_eq "mentions.dates is a list" "$(jget "type(j['dates']).__name__")" list
req GET '/api/mentions'
expect_eq "mentions without q or entity" "$code" 400

# --- answers follow the archive: a cached answer is not served after a commit
req GET '/api/timeline?q=zebras'
expect_eq "timeline of nothing" "$(jget "len(j['timeline'])")" 0
req GET '/api/timeline?q=zebras'
grep -q '"GET /api/timeline?q=zebras" 200 .* cached' "$LOG" || fail "the second answer was not cached"
req POST /api/articles --data-binary '{"id": "zebra-1", "date": "2021-04-02", "text": "Two zebras escaped from the Brindlebury zoo on Thursday and were found by Friday."}'
expect_eq "POST zebra" "$code" 200
req GET '/api/timeline?q=zebras'
expect_eq "timeline after the commit" "$(jget "int(len(j['timeline']) >= 1)")" 1

# --- malformed requests: 4xx with a JSON error, never 500
req POST /api/articles --data-binary '{"date": "2021-03-01", "text": "unclosed'
expect_eq "bad JSON" "$code" 400
expect_error_json "bad JSON"
printf '{"date": "2021-03-01", "text": "caf\351 au lait"}\n' > "$T/latin1.jsonl"
req POST /api/articles --data-binary "@$T/latin1.jsonl"
expect_eq "invalid UTF-8 body" "$code" 400
expect_eq "invalid UTF-8 rejected" "$(jget "j['rejected']")" 1
req POST /api/articles --data-binary ''
expect_eq "empty body" "$code" 400
printf '\0\0\0binary\377\376junk\n' > "$T/junk.bin"
req POST /api/articles --data-binary "@$T/junk.bin"
expect_eq "binary junk body" "$code" 400
# a body over the limit (64 MiB): refused from Content-Length, and when chunked
head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' 'x' > "$T/huge"
req POST /api/articles --data-binary "@$T/huge"
expect_eq "huge body" "$code" 413
req POST /api/articles --data-binary "@$T/huge" -H 'Transfer-Encoding: chunked'
case "$code" in 413|000) ;; *) fail "huge chunked body: got $code, want 413" ;; esac
rm -f "$T/huge"
req GET '/api/search?q=%FF%FE'
expect_eq "invalid UTF-8 parameter" "$code" 400
expect_error_json "invalid UTF-8 parameter"
req GET '/api/search?q=a%00b'
expect_eq "NUL in parameter" "$code" 400
req GET '/api/search?q=flood&from=2021-02-30'
expect_eq "impossible date" "$code" 400
req GET '/api/search?q=flood&from=2021-03-10&to=2021-03-01'
expect_eq "from after to" "$code" 400
req GET '/api/search?q=flood&n=lots'
expect_eq "bad n" "$code" 400
req GET '/api/timeline?q=flood&dates=0'
expect_eq "bad dates" "$code" 400
req GET '/api/timeline'
expect_eq "timeline without q" "$code" 400
req GET '/api/search'
expect_eq "search without q" "$code" 400
# path traversal: nothing outside the embedded page is ever served
for p in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' \
         '/api/articles/..%2F..%2Fetc%2Fpasswd' '/web/../Makefile' '/%2e%2e%2fMakefile' \
         '/app.js/../../Makefile' '//etc/passwd'; do
    req GET "$p" --path-as-is
    case "$code" in 4??) ;; *) fail "traversal $p: got $code" ;; esac
    grep -q 'root:' "$T/body" && fail "traversal $p leaked /etc/passwd"
done
# unknown and disallowed methods
req BREW /api/stats
expect_eq "BREW" "$code" 405
expect_error_json "BREW"
req DELETE /api/articles/flood-01
expect_eq "DELETE article" "$code" 405
req PUT /api/articles --data-binary '{}'
expect_eq "PUT articles" "$code" 405
curl -s -o /dev/null -D "$T/headers" -X POST "$B/api/search?q=x" --data-binary x
grep -qi '^Allow: GET, HEAD' "$T/headers" || fail "405 without an Allow header"
req GET /api/articles
expect_eq "GET /api/articles (POST only)" "$code" 405
req GET /api/nothing
expect_eq "unknown endpoint" "$code" 404
expect_error_json "unknown endpoint"
# an over-long URL (past the header memory): 4xx from the HTTP layer
long=$(head -c 100000 /dev/zero | tr '\0' 'a')
req GET "/api/search?q=$long"
case "$code" in 4??) ;; *) fail "over-long URL: got $code" ;; esac
# a raw request that is not HTTP at all
if true; then
    $PY - "$PORT" <<'EOF' || fail "garbage request"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x16\x03\x01\x02\x00garbage that is not http\r\n\r\n")
try:
    data = s.recv(4096)
except Exception:
    data = b""
s.close()
# either a 4xx or a closed connection; never a 2xx/5xx
sys.exit(0 if (not data or data.split(b" ")[1][:1] == b"4") else 1)
EOF
fi

# requests another site's page could make through a browser: 403
req GET /api/stats -H 'Host: attacker.example:8080'
expect_eq "foreign Host (DNS rebinding)" "$code" 403
expect_error_json "foreign Host"
req GET /api/stats -H "Host: localhost:$PORT"
expect_eq "Host localhost" "$code" 200
req POST /api/articles -H 'Origin: http://attacker.example' \
    --data-binary '{"id": "csrf", "date": "2021-03-01", "text": "Injected."}'
expect_eq "cross-site POST" "$code" 403
req POST /api/articles -H "Origin: http://127.0.0.1:$PORT" --data-binary "@$T/feed.jsonl"
expect_eq "same-origin POST" "$code" 200

# --- the server kept serving, concurrently
pids=
for i in $(seq 1 16); do
    curl -s -o /dev/null -w '%{http_code}\n' "$B/api/articles/flood-$(printf %02d $((i + 10)))" \
        >> "$T/par" &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
expect_eq "16 parallel requests" "$(grep -c '^200$' "$T/par")" 16
req GET /api/stats
expect_eq "still serving" "$code" 200
expect_eq "nothing stored by bad requests" "$(jget "j['articles']")" 41

# --- the access log: one line per request, control bytes escaped
n=$(grep -c '"GET /api/stats" 200' "$LOG")
[ "$n" -ge 3 ] || fail "access log: $n lines for GET /api/stats"
grep -q '"BREW /api/stats" 405' "$LOG" || fail "access log: no BREW line"
grep -q 'q=\\xff\\xfe' "$LOG" || fail "access log: bytes not escaped"

# --- graceful stop: SIGTERM during an ingest; the ingest completes
$PY - "$T/big.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({"id": "late-%d" % i, "date": "2022-05-%02d" % (1 + i % 28),
                            "text": "The council of Brindlebury met on Tuesday for session %d. "
                                    "Councillor Ida Marsh said the budget was final." % i}) + "\n")
EOF
curl -s -o "$T/late" -w '%{http_code}' -X POST --data-binary "@$T/big.jsonl" "$B/api/articles" \
    > "$T/late_code" &
CURL=$!
sleep 0.3   # the request is in (or done: then this checks a clean stop)
kill -TERM "$PID"
wait "$CURL"
wait "$PID"
src=$?
PID=
expect_eq "exit status after SIGTERM" "$src" 0
grep -q 'stopped' "$LOG" || fail "no 'stopped' in the log"
expect_eq "ingest in flight at SIGTERM" "$(cat "$T/late_code")" 200
added=$($PY -c "import json; print(json.load(open('$T/late'))['added'])")
run "$DATELINE" stats --archive "$A" --json
expect_eq "stats after stop" "$rc" 0
expect_eq "archive holds what the answer said" \
    "$($PY -c "import json; print(json.load(open('$T/out'))['articles'])")" $((41 + added))

# --- usage errors
run "$DATELINE" serve --archive "$A" --port 70000
expect_eq "bad port" "$rc" 2
run "$DATELINE" serve --archive "$A" --bind 999.1.1.1 --port 0
expect_eq "bad bind address" "$rc" 2
echo "MEASURE serve_api ok"
