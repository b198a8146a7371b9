# The web page in headless Chromium over ../shared/corpus: search, article,
# timeline, quotes, a shared URL reloaded on a phone-sized screen; screenshots
# in tests/out/.  Skips without chromium, node or ../shared.
. "$ROOT/tests/cli/lib.sh"
need_shared corpus
[ -n "${DATELINE_SAN:-}" ] && skip "browser test: not repeated under the sanitizers"
sh "$ROOT/tests/browser/run.sh" "$DATELINE"
