#!/bin/sh
# Installs the Debian 12 packages dateline needs to build, test and bench,
# only those that are missing.  Run as root (or with sudo).  Idempotent.
#
#   build:   gcc make pkg-config, and the -dev libraries below
#   test:    cmocka, python3 (the scorers), clang + compiler-rt (fuzzing,
#            sanitizers), zstd/gzip (compressed inputs), chromium + node
#            (the browser test of the web page)
#   bench:   xapian (the peer search engine), wrk (HTTP load), hyperfine
set -e

PKGS="build-essential make pkg-config gcc clang libclang-rt-14-dev
  libsqlite3-dev sqlite3 libutf8proc-dev libstemmer-dev libzstd-dev zstd
  zlib1g-dev gzip libstreamvbyte-dev libxxhash-dev libjansson-dev
  libmicrohttpd-dev libcmocka-dev libxapian-dev python3 curl procps
  iso-codes wrk chromium bc"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
# node and npm: only when the machine has none (a newer one may be installed
# outside Debian's packages; keep it)
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
else
    echo "install-deps: all Debian packages present"
fi
